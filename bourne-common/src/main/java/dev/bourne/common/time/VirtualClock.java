package dev.bourne.common.time;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.PriorityQueue;

/**
 * A deterministic clock and scheduler whose time moves only when the test says so. Scheduled tasks
 * run on the thread that calls {@link #advance} or {@link #runNext}, in order of due time and,
 * for equal due times, in the order they were scheduled. The same sequence of calls always gives
 * the same sequence of task runs, which is what makes simulations replayable from a seed.
 *
 * <p>Thread-safe: tasks may be scheduled from any thread, though simulations drive it from one.
 * A task that throws propagates out of {@code advance}/{@code runNext}: in a test, a failing task
 * is a failing test.
 */
public final class VirtualClock implements Clock, Scheduler {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now;
  private long sequence;
  private boolean closed;

  /** A clock at time zero with nothing scheduled. */
  public VirtualClock() {
    this(0);
  }

  /** A clock at {@code startNanos} with nothing scheduled. */
  public VirtualClock(long startNanos) {
    this.now = startNanos;
  }

  /** A fixed epoch (2026-01-01T00:00:00Z) plus the virtual time: the same in every run. */
  @Override
  public long wallMillis() {
    return 1_767_225_600_000L + nanoTime() / 1_000_000L;
  }

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public Clock clock() {
    return this;
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Durations.requireNonNegative(delay, "delay");
    Objects.requireNonNull(task, "task");
    checkOpen();
    Task t = new Task(saturatedAdd(now, delay.toNanos()), sequence++, task, 0);
    queue.add(t);
    return t::cancel;
  }

  @Override
  public synchronized Cancellable scheduleAtFixedRate(Duration period, Runnable task) {
    Durations.requirePositive(period, "period");
    Objects.requireNonNull(task, "task");
    checkOpen();
    long p = period.toNanos();
    Task t = new Task(saturatedAdd(now, p), sequence++, task, p);
    queue.add(t);
    return t::cancel;
  }

  /**
   * Moves time forward by {@code d}, running every task that falls due on the way, each at its own
   * due time (tasks scheduled by those tasks run too, if they fall due within the window).
   *
   * @return the number of tasks run
   */
  public int advance(Duration d) {
    Durations.requireNonNegative(d, "d");
    long target;
    synchronized (this) {
      target = saturatedAdd(now, d.toNanos());
    }
    int ran = 0;
    while (runNextDueBy(target)) {
      ran++;
    }
    synchronized (this) {
      if (now < target) {
        now = target;
      }
    }
    return ran;
  }

  /**
   * Jumps to the earliest pending task and runs it (and only it).
   *
   * @return false if nothing is scheduled
   */
  public boolean runNext() {
    return runNextDueBy(Long.MAX_VALUE);
  }

  /** The due time of the earliest pending task, if any. */
  public synchronized OptionalLong nextDueNanos() {
    dropCancelledHead();
    return queue.isEmpty() ? OptionalLong.empty() : OptionalLong.of(queue.peek().due);
  }

  /** How many tasks are waiting (cancelled ones excluded). */
  public synchronized int pendingTasks() {
    return (int) queue.stream().filter(t -> !t.isCancelled()).count();
  }

  private boolean runNextDueBy(long target) {
    Task t;
    synchronized (this) {
      dropCancelledHead();
      if (closed || queue.isEmpty() || queue.peek().due > target) {
        return false;
      }
      t = queue.poll();
      if (t.due > now) {
        now = t.due;
      }
      if (t.period > 0) {
        queue.add(new Task(saturatedAdd(t.due, t.period), sequence++, t.action, t.period, t));
      }
    }
    t.action.run();
    return true;
  }

  private void dropCancelledHead() {
    while (!queue.isEmpty() && queue.peek().isCancelled()) {
      queue.poll();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("virtual clock is closed");
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    queue.clear();
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  /** One scheduled run. A periodic task's later runs share the first run's cancel flag. */
  private static final class Task implements Comparable<Task> {
    final long due;
    final long seq;
    final Runnable action;
    final long period;
    private final Task origin;
    volatile boolean cancelled;

    Task(long due, long seq, Runnable action, long period) {
      this(due, seq, action, period, null);
    }

    Task(long due, long seq, Runnable action, long period, Task previous) {
      this.due = due;
      this.seq = seq;
      this.action = action;
      this.period = period;
      this.origin = previous == null ? this : previous.origin;
    }

    void cancel() {
      origin.cancelled = true;
    }

    boolean isCancelled() {
      return origin.cancelled;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
