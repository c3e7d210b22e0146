package dev.bourne.kayak.host;

import dev.bourne.common.exec.SerialExecutor;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.core.Outbound;
import dev.bourne.kayak.core.LogStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage writer of a host: group commit. It takes every batch queued since its last
 * round, applies them in order (consecutive appends merged into one write), makes them durable with
 * one {@link LogStorage#sync()}, and then reports once for the whole round. When it is idle, the
 * event loop may instead write a small batch itself ({@link #writeInline}): with one append in
 * flight, the two thread hand-offs of the queued path cost about as much as the fsync.
 *
 * <p>Rounds run on the given {@link SerialExecutor}: a thread of its own in production; in the
 * simulator, the virtual clock after a drawn disk latency, so that batches queue up as they would
 * behind a slow fsync.
 *
 * <p>Threading: {@link #submit}, {@link #idle} and {@link #writeInline} from the event-loop thread;
 * the callbacks run on the writer (or, for inline writes, on the event loop) and must only
 * hand work back to the event loop.
 */
final class LogWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

  /**
   * Log writes of one Ready.
   *
   * @param seq increasing number of this batch
   * @param truncateFrom first index of a suffix to remove before appending, or 0
   * @param entries entries to append
   * @param afterDurable messages to send once this batch (and every earlier one) is durable
   * @param compactTo after the entries, drop the log up to this index (its term {@code
   *     compactTerm}), or 0: a snapshot covering it is durable
   * @param onDurable run (on the writer's thread) once this batch is durable, or null
   * @param installIndex if not 0, first replace the whole log by an installed snapshot ending at
   *     {@code (installIndex, installTerm)}: the log then starts after it
   */
  record Batch(long seq, long truncateFrom, List<Entry> entries, List<Outbound> afterDurable, long compactTo,
      long compactTerm, Runnable onDurable, long installIndex, long installTerm) {
    /** A batch of log writes only. */
    Batch(long seq, long truncateFrom, List<Entry> entries, List<Outbound> afterDurable) {
      this(seq, truncateFrom, entries, afterDurable, 0, 0, null, 0, 0);
    }
  }

  /** What the writer reports back. */
  interface Listener {
    /**
     * Every batch up to {@code seq} is durable; the log now ends at {@code lastIndex} with
     * {@code lastTerm}; {@code toSend} are the messages of those batches that waited for it. Runs on
     * the writer thread, so acknowledgements leave without a detour through the event loop.
     */
    void durable(long seq, long lastIndex, long lastTerm, List<Outbound> toSend);

    /** Storage failed; nothing more will be written. */
    void failed(RuntimeException error);
  }

  private final LogStorage storage;
  private final Listener listener;
  private final ConcurrentLinkedQueue<Batch> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean roundQueued = new AtomicBoolean();
  private final SerialExecutor executor;
  private volatile boolean stopped;
  /** Seq of the last batch handed over, inline or queued (event-loop thread only). */
  private long submittedSeq;
  /** Seq of the last batch made durable and reported; written by whichever thread wrote it. */
  private volatile long durableSeq;
  private long rounds;
  private long batches;

  LogWriter(LogStorage storage, Listener listener, SerialExecutor executor) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** Queues a batch; batches are written in submission order. */
  void submit(Batch batch) {
    if (!stopped) {
      submittedSeq = batch.seq();
      queue.add(batch);
      if (roundQueued.compareAndSet(false, true)) {
        executor.execute(this::round);
      }
    }
  }

  /**
   * True if every batch handed over so far is durable and reported, so the writer thread has nothing
   * queued or in progress (and, the caller being the only producer, will not start anything).
   * Event-loop thread only.
   */
  boolean idle() {
    return !stopped && durableSeq == submittedSeq;
  }

  /**
   * Writes, syncs and reports {@code batch} on the calling thread, skipping two thread hand-offs
   * (to the writer and back), which dominate latency when one small batch is in flight. Only
   * when {@link #idle()}: write order stays submission order. The listener runs on this thread.
   * Event-loop thread only.
   *
   * @throws IllegalStateException if the writer is not idle
   * @throws RuntimeException what storage threw; the writer then stops, as after a failed round
   */
  void writeInline(Batch batch) {
    if (!idle()) {
      throw new IllegalStateException("writer busy: " + submittedSeq + " submitted, " + durableSeq + " durable");
    }
    submittedSeq = batch.seq();
    try {
      write(List.of(batch));
    } catch (RuntimeException e) {
      stopped = true;
      throw e;
    }
  }

  /** One group commit: every batch queued so far, one sync. */
  private void round() {
    // Cleared first: a batch queued from now on either is in this round or queues the next one.
    roundQueued.set(false);
    if (stopped) {
      return;
    }
    List<Batch> round = new ArrayList<>();
    for (Batch b; (b = queue.poll()) != null; ) {
      round.add(b);
    }
    if (round.isEmpty()) {
      return;
    }
    try {
      write(round);
    } catch (RuntimeException | Error e) {
      // Errors too (e.g. running out of direct memory): a writer that died silently would leave a
      // leader answering heartbeats but never making anything durable again.
      stopped = true;
      LOG.error("log writer failed; the host stops writing", e);
      listener.failed(e instanceof RuntimeException re
          ? re : new dev.bourne.kayak.api.StorageException("log writer died: " + e, e));
      if (e instanceof Error err) {
        throw err;
      }
    }
  }

  private void write(List<Batch> round) {
    List<Entry> pending = new ArrayList<>();
    List<Outbound> toSend = new ArrayList<>();
    for (Batch b : round) {
      toSend.addAll(b.afterDurable());
      if (b.installIndex() > 0) {
        flush(pending);
        resetTo(b.installIndex(), b.installTerm());
      }
      if (b.truncateFrom() > 0) {
        flush(pending);
        storage.truncateSuffix(b.truncateFrom());
      }
      pending.addAll(b.entries());
      if (b.compactTo() > storage.snapshotIndex()) {
        flush(pending);
        storage.compactPrefix(b.compactTo(), b.compactTerm());
      }
    }
    flush(pending);
    storage.sync();
    rounds++;
    batches += round.size();
    long last = storage.lastIndex();
    long seq = round.get(round.size() - 1).seq();
    listener.durable(seq, last, storage.termAt(last), toSend);
    // only now: an inline write that this lets through must not overtake these acknowledgements
    durableSeq = seq;
    for (Batch b : round) {
      if (b.onDurable() != null) {
        b.onDurable().run();
      }
    }
  }

  /**
   * Restarts the log after a snapshot's last entry {@code (index, term)}. Only a suffix from
   * {@code index} whose term differs is truncated (those entries are above the commit index);
   * everything before goes in one compaction, so a reader sees the committed entries either
   * still there or compacted, never missing.
   */
  private void resetTo(long index, long term) {
    if (index <= storage.snapshotIndex()) {
      return;
    }
    if (storage.lastIndex() >= index && storage.termAt(index) != term) {
      storage.truncateSuffix(index);
    }
    storage.compactPrefix(index, term);
  }

  private void flush(List<Entry> pending) {
    if (!pending.isEmpty()) {
      storage.append(pending);
      pending.clear();
    }
  }

  /** Average batches per fsync so far (for diagnostics). */
  double batchesPerRound() {
    return rounds == 0 ? 0 : (double) batches / rounds;
  }

  /** Stops after the round in progress; queued batches are dropped (as a crash would). */
  @Override
  public void close() {
    stopped = true;
    queue.clear();
    executor.close();
  }
}
