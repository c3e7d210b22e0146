package dev.bourne.kayak.host;

import dev.bourne.common.error.TimedOutException;
import dev.bourne.kayak.api.NoLeaderException;
import dev.bourne.common.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A client request that is retried through elections until its deadline: its result, and why the
 * last attempt failed, so that the deadline reports {@link NoLeaderException} when no leader was
 * known rather than a bare timeout.
 *
 * @param <T> the result type
 */
class Op<T> {
  final CompletableFuture<T> result = new CompletableFuture<>();
  final String what;
  final long deadlineNanos;
  final Duration timeout;
  private final Clock clock;
  volatile boolean noLeader;

  Op(String what, Duration timeout, Clock clock) {
    this.what = what;
    this.clock = clock;
    this.timeout = timeout;
    this.deadlineNanos = clock.nanoTime() + timeout.toNanos();
  }

  boolean isDone() {
    return result.isDone();
  }

  /** Milliseconds left before the deadline, at least 1. */
  long remainingMillis() {
    return Math.max(1, (deadlineNanos - clock.nanoTime()) / 1_000_000);
  }

  /** Fails the request because its deadline passed. */
  void expire() {
    if (noLeader) {
      result.completeExceptionally(new NoLeaderException(what + ": no leader known within " + timeout));
    } else {
      result.completeExceptionally(new TimedOutException(what + " did not complete within " + timeout));
    }
  }
}
