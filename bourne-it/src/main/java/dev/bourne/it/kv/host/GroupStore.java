package dev.bourne.it.kv.host;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.common.time.Cancellable;
import dev.bourne.it.kv.KvException;
import dev.bourne.it.kv.core.Command;
import dev.bourne.it.kv.core.CommandCodec;
import dev.bourne.it.kv.core.KvMachine;
import dev.bourne.it.kv.core.Outcome;
import dev.bourne.it.kv.core.RequestId;
import dev.bourne.kayak.api.CompactedException;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Snapshot;
import dev.bourne.kayak.api.SnapshotSource;
import dev.bourne.kayak.api.StorageException;
import dev.bourne.kayak.api.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kayak group's key/value replica on this node: applies the group's committed entries to a
 * {@link KvMachine} on its own thread, acknowledges them, snapshots through {@code compactEvery}
 * and restores from the latest snapshot (at start, and when a leader's snapshot overtakes it).
 * Writes go through {@code append} from any member (Kayak forwards them to the leader) and complete
 * with the outcome once this replica applies them; linearizable reads wait for the read barrier,
 * stale reads are served at once.
 *
 * <p>Nothing here runs on Kayak's threads but the hand-off: results continue on the executor the
 * node gives, so that a slow reader or a long restore never delays heartbeats.
 *
 * <p>Thread-safe.
 */
public final class GroupStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupStore.class);
  /** The replica stopped applying after an unexpected error; its node must be restarted. */
  public static final ErrorCode REPLICA_FAILED = new ErrorCode("REPLICA_FAILED");
  private static final int BATCH = 512;
  private static final Duration POLL = Duration.ofMillis(200);

  private final String group;
  private final KayakHost host;
  private final Duration timeout;
  private final Executor executor;
  private final KvMachine machine = new KvMachine();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong tokens;
  private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
  private final Thread applier;
  private final Cancellable compaction;
  private volatile Subscription subscription;
  private volatile long applied;
  private volatile int keys;
  private volatile int sessions;
  // The highest index reached by restoring a snapshot: entries up to it were never applied one by one.
  private volatile long restoredUpTo;
  private volatile RuntimeException failure;
  private volatile boolean closed;

  /** A write waiting for this replica to apply it. */
  private record Pending(CompletableFuture<Outcome> future, Optional<RequestId> request, AtomicLong index) {}

  /**
   * Starts the replica: restores the latest snapshot, then applies the log after it.
   *
   * @param group the group's name (for logs and errors)
   * @param host this member's host in the group
   * @param snapshotEvery compact after this many entries applied past the latest snapshot
   * @param timeout how long a write or read may take before it fails with a timeout
   * @param executor where results continue (never Kayak's own threads)
   * @param tokenBase a random number, different on every start, that this replica's command tokens
   *     count up from (so that it recognises its own commands and no other node's)
   */
  public GroupStore(String group, KayakHost host, long snapshotEvery, Duration timeout, Executor executor,
      long tokenBase) {
    this.group = group;
    this.host = host;
    this.timeout = timeout;
    this.executor = executor;
    this.tokens = new AtomicLong(tokenBase);
    this.applier = new Thread(this::applyLoop, "kv-apply-" + group);
    this.applier.setDaemon(true);
    this.applier.start();
    this.compaction = host.log().compactEvery(snapshotEvery, this::capture);
  }

  /** The group's name. */
  public String group() {
    return group;
  }

  /** This member's Kayak host in the group. */
  public KayakHost host() {
    return host;
  }

  /** The last index this replica applied. */
  public long applied() {
    return applied;
  }

  /** Keys this replica holds (as of the last applied batch). */
  public int keys() {
    return keys;
  }

  /** Clients in this replica's session table (as of the last applied batch). */
  public int sessions() {
    return sessions;
  }

  /** Why the replica stopped applying, if it did. */
  public Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  private Optional<RuntimeException> unusable() {
    if (failure != null) {
      return Optional.of(new KvException(REPLICA_FAILED, "the key/value replica of " + group
          + " stopped applying (" + failure + "); restart the node"));
    }
    if (closed) {
      return Optional.of(new ClosedException("key/value replica of " + group + " is closed"));
    }
    return Optional.empty();
  }

  /**
   * Submits a write and completes with its outcome, as this replica applied it.
   *
   * @param command makes the command from the token this replica chose for it
   * @return fails with Kayak's errors ({@code NO_LEADER}, {@code TIMEOUT}, {@code CLOSED},
   *     {@code ENTRY_TOO_LARGE}), or with {@link KvException#OUTCOME_UNKNOWN} when the write was
   *     sent but this replica can no longer tell whether it applied
   */
  public CompletableFuture<Outcome> write(Function<Long, Command> command) {
    Optional<RuntimeException> refused = unusable();
    if (refused.isPresent()) {
      return CompletableFuture.failedFuture(refused.get());
    }
    long token = tokens.incrementAndGet();
    Command c = command.apply(token);
    CompletableFuture<Outcome> f = new CompletableFuture<>();
    Pending p = new Pending(f, c.request(), new AtomicLong());
    pending.put(token, p);
    f.whenComplete((o, e) -> pending.remove(token));
    host.log().append(CommandCodec.encode(c), timeout).whenCompleteAsync((entry, e) -> {
      if (e != null) {
        f.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
      } else {
        p.index().set(entry.index());
        if (entry.index() <= restoredUpTo) {
          settleFromSnapshot(p); // covered by a snapshot before this replica could see the entry itself
        }
      }
    }, executor);
    f.orTimeout(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    return f;
  }

  /**
   * Reads this replica's state: after the read barrier and this replica's catching up to it when
   * {@code linearizable}, else at once (possibly stale).
   *
   * @return fails with Kayak's barrier errors or a timeout
   */
  public <T> CompletableFuture<T> read(boolean linearizable, Function<KvMachine, T> reader) {
    Optional<RuntimeException> refused = unusable();
    if (refused.isPresent()) {
      return CompletableFuture.failedFuture(refused.get());
    }
    if (!linearizable) {
      return CompletableFuture.completedFuture(readLocked(reader));
    }
    return host.sync().barrier()
        .thenComposeAsync(this::awaitApplied, executor)
        .thenApplyAsync(v -> readLocked(reader), executor)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> T readLocked(Function<KvMachine, T> reader) {
    lock.readLock().lock();
    try {
      return reader.apply(machine);
    } finally {
      lock.readLock().unlock();
    }
  }

  private CompletableFuture<Void> awaitApplied(long index) {
    synchronized (waiters) {
      if (applied >= index) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      waiters.computeIfAbsent(index, i -> new ArrayList<>()).add(f);
      return f;
    }
  }

  /** Completes the reads waiting for an index this replica has now applied. */
  private void wakeReaders() {
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (waiters) {
      while (!waiters.isEmpty() && waiters.firstKey() <= applied) {
        ready.addAll(waiters.pollFirstEntry().getValue());
      }
    }
    ready.forEach(f -> f.complete(null));
  }

  private Optional<SnapshotSource.State> capture() {
    lock.readLock().lock();
    try {
      long snapshotIndex = host.log().snapshot().map(Snapshot::index).orElse(0L);
      if (machine.applied() <= snapshotIndex) {
        return Optional.empty(); // still replaying after a restart: nothing new to keep
      }
      return Optional.of(new SnapshotSource.State(machine.applied(), machine.snapshot()));
    } finally {
      lock.readLock().unlock();
    }
  }

  private void applyLoop() {
    try {
      subscription = restore();
      while (!closed) {
        List<Entry> entries;
        try {
          entries = subscription.poll(BATCH, POLL);
        } catch (CompactedException behind) {
          subscription.close();
          subscription = restore();
          continue;
        }
        if (!entries.isEmpty()) {
          apply(entries);
        }
      }
    } catch (ClosedException | InterruptedException stopped) {
      // the host or this replica closed
    } catch (RuntimeException e) {
      if (!closed) {
        failure = e;
        LOG.error("the key/value replica of {} stopped applying at {}; its writes and reads now fail until the node "
            + "restarts", group, applied, e);
      }
    } finally {
      Subscription s = subscription;
      if (s != null) {
        s.close();
      }
      failAll();
    }
  }

  /**
   * Loads the latest snapshot, if it is ahead, and subscribes after it. A snapshot replaced while
   * it is read is asked for again, as {@link Snapshot#events()} advises.
   */
  private Subscription restore() {
    for (int attempt = 1; ; attempt++) {
      Optional<Snapshot> snapshot = host.log().snapshot();
      lock.writeLock().lock();
      try {
        if (snapshot.isPresent() && snapshot.get().index() > machine.applied()) {
          try (Stream<byte[]> events = snapshot.get().events()) {
            machine.restore(events::iterator);
          }
          restoredUpTo = machine.applied();
          LOG.info("{}: restored {} keys from the snapshot at {}", group, machine.size(), machine.applied());
        }
        applied = machine.applied();
        keys = machine.size();
        sessions = machine.sessionCount();
      } catch (StorageException replaced) {
        if (attempt >= 5 || closed) {
          throw replaced;
        }
        LOG.info("{}: the snapshot changed while it was read ({}); reading the latest one", group, replaced.getMessage());
        continue;
      } finally {
        lock.writeLock().unlock();
      }
      break;
    }
    for (Pending p : pending.values()) {
      long index = p.index().get();
      if (index > 0 && index <= restoredUpTo) {
        executor.execute(() -> settleFromSnapshot(p));
      }
    }
    wakeReaders();
    return host.log().listen(applied + 1);
  }

  private void apply(List<Entry> entries) {
    List<Runnable> done = new ArrayList<>();
    lock.writeLock().lock();
    try {
      for (Entry e : entries) {
        if (e.kind() != EntryKind.STD) {
          machine.skip(e.index());
          continue;
        }
        Command command;
        try {
          command = CommandCodec.decode(e.payload());
        } catch (IllegalArgumentException malformed) {
          LOG.warn("{}: entry {} is not a key/value command ({}); skipped", group, e.index(), malformed.getMessage());
          machine.apply(e.index(), e.payload());
          continue;
        }
        Outcome outcome = machine.apply(e.index(), command);
        Pending p = pending.get(command.token());
        // Ours only if the request matches and, once the append told us, the index too.
        if (p != null && p.request().equals(command.request())
            && (p.index().get() == 0 || p.index().get() == e.index())) {
          done.add(() -> p.future().complete(outcome));
        }
      }
      long last = entries.get(entries.size() - 1).index();
      host.sync().ack(last);
      applied = last;
      keys = machine.size();
      sessions = machine.sessionCount();
    } finally {
      lock.writeLock().unlock();
    }
    done.forEach(Runnable::run);
    wakeReaders();
  }

  /** A write this replica skipped over with a snapshot: its session may still tell its outcome. */
  private void settleFromSnapshot(Pending p) {
    if (p.future().isDone()) {
      return;
    }
    Optional<Outcome> known = p.request().flatMap(id -> readLocked(m -> m.outcomeOf(id)))
        .filter(o -> !(o instanceof Outcome.Expired));
    if (known.isPresent()) {
      p.future().complete(known.get());
    } else {
      p.future().completeExceptionally(new KvException(KvException.OUTCOME_UNKNOWN,
          "the write committed, but this node caught up through a snapshot and cannot tell its outcome"));
    }
  }

  /** Fails what waits: writes with an unknown outcome (they were sent and may still apply), reads as closed. */
  private void failAll() {
    KvException unknown = new KvException(KvException.OUTCOME_UNKNOWN,
        "the key/value replica of " + group + " stopped before it saw this write apply; it may have applied");
    pending.values().forEach(p -> p.future().completeExceptionally(unknown));
    ClosedException closedError = new ClosedException("key/value replica of " + group + " stopped");
    List<CompletableFuture<Void>> all = new ArrayList<>();
    synchronized (waiters) {
      waiters.values().forEach(all::addAll);
      waiters.clear();
    }
    all.forEach(f -> f.completeExceptionally(closedError));
  }

  /**
   * Stops applying and fails what waits. Does not close the Kayak host. The apply thread is woken
   * by closing its subscription, never interrupted: an interrupt during a read of the log would
   * close the log's file under Kayak.
   */
  @Override
  public void close() {
    closed = true;
    compaction.cancel();
    Subscription s = subscription;
    if (s != null) {
      s.close();
    }
    try {
      applier.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failAll();
  }
}
