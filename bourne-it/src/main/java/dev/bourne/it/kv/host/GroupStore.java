package dev.bourne.it.kv.host;

import dev.bourne.common.error.ClosedException;
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
import dev.bourne.kayak.api.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Thread-safe.
 */
public final class GroupStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupStore.class);
  private static final int BATCH = 512;
  private static final Duration POLL = Duration.ofMillis(200);

  private final String group;
  private final KayakHost host;
  private final Duration timeout;
  private final KvMachine machine = new KvMachine();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong tokens;
  private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
  private final Thread applier;
  private final Cancellable compaction;
  private volatile long applied;
  // The highest index reached by restoring a snapshot: entries up to it were never applied one by one.
  private volatile long restoredUpTo;
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
   * @param tokenBase a random number, different on every start, that this replica's command tokens
   *     count up from (so that it recognises its own commands and no other node's)
   */
  public GroupStore(String group, KayakHost host, long snapshotEvery, Duration timeout, long tokenBase) {
    this.group = group;
    this.host = host;
    this.timeout = timeout;
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

  /** Keys this replica holds. */
  public int keys() {
    return read(KvMachine::size);
  }

  /** Clients in this replica's session table. */
  public int sessions() {
    return read(KvMachine::sessionCount);
  }

  /**
   * Submits a write and completes with its outcome, as this replica applied it.
   *
   * @param command makes the command from the token this replica chose for it
   * @return fails with Kayak's errors ({@code NO_LEADER}, {@code TIMEOUT}, {@code CLOSED},
   *     {@code ENTRY_TOO_LARGE}) or {@link KvException#OUTCOME_UNKNOWN}
   */
  public CompletableFuture<Outcome> write(Function<Long, Command> command) {
    if (closed) {
      return CompletableFuture.failedFuture(new ClosedException("key/value replica of " + group + " is closed"));
    }
    long token = tokens.incrementAndGet();
    Command c = command.apply(token);
    CompletableFuture<Outcome> f = new CompletableFuture<>();
    Pending p = new Pending(f, c.request(), new AtomicLong());
    pending.put(token, p);
    f.whenComplete((o, e) -> pending.remove(token));
    host.log().append(CommandCodec.encode(c), timeout).whenComplete((entry, e) -> {
      if (e != null) {
        f.completeExceptionally(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause() : e);
      } else {
        p.index().set(entry.index());
        if (entry.index() <= restoredUpTo) {
          settleFromSnapshot(p); // covered by a snapshot before this replica could see the entry itself
        }
      }
    });
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
    if (!linearizable) {
      return CompletableFuture.completedFuture(read(reader));
    }
    return host.sync().barrier()
        .thenCompose(this::awaitApplied)
        .thenApply(v -> read(reader))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> T read(Function<KvMachine, T> reader) {
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
    Subscription sub = null;
    try {
      sub = restore();
      while (!closed) {
        List<Entry> entries;
        try {
          entries = sub.poll(BATCH, POLL);
        } catch (CompactedException behind) {
          sub.close();
          sub = restore();
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
        LOG.error("key/value replica of {} stopped applying at {}", group, applied, e);
      }
    } finally {
      if (sub != null) {
        sub.close();
      }
      failAll(new ClosedException("key/value replica of " + group + " stopped"));
    }
  }

  /** Loads the latest snapshot, if any, and subscribes after it. */
  private Subscription restore() {
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
    } finally {
      lock.writeLock().unlock();
    }
    for (Pending p : pending.values()) {
      long index = p.index().get();
      if (index > 0 && index <= restoredUpTo) {
        settleFromSnapshot(p);
      }
    }
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
        if (p != null && p.request().equals(command.request())) {
          done.add(() -> p.future().complete(outcome));
        }
      }
      long last = entries.get(entries.size() - 1).index();
      host.sync().ack(last);
      applied = last;
    } finally {
      lock.writeLock().unlock();
    }
    done.forEach(Runnable::run);
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (waiters) {
      while (!waiters.isEmpty() && waiters.firstKey() <= applied) {
        ready.addAll(waiters.pollFirstEntry().getValue());
      }
    }
    ready.forEach(f -> f.complete(null));
  }

  /** A write this replica skipped over with a snapshot: its session may still tell its outcome. */
  private void settleFromSnapshot(Pending p) {
    if (p.future().isDone()) {
      return;
    }
    Optional<Outcome> known = p.request().flatMap(id -> read(m -> m.outcomeOf(id)));
    if (known.isPresent()) {
      p.future().complete(known.get());
    } else if (!p.future().isDone()) {
      p.future().completeExceptionally(new KvException(KvException.OUTCOME_UNKNOWN,
          "the write committed, but this node caught up through a snapshot and cannot tell its outcome"));
    }
  }

  private void failAll(Exception e) {
    pending.values().forEach(p -> p.future().completeExceptionally(e));
    synchronized (waiters) {
      waiters.values().forEach(l -> l.forEach(f -> f.completeExceptionally(e)));
      waiters.clear();
    }
  }

  /** Stops applying and fails what waits. Does not close the Kayak host. */
  @Override
  public void close() {
    closed = true;
    compaction.cancel();
    applier.interrupt();
    try {
      applier.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failAll(new ClosedException("key/value replica of " + group + " closed"));
  }
}
