package dev.bourne.net.transport;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.retry.Backoff;
import dev.bourne.net.UnreachableException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The one outgoing connection to one peer: made on first use, shared by every caller, made again
 * when it breaks. After a failed attempt, calls fail at once with {@link UnreachableException}
 * until the backoff delay has passed, so a dead peer costs neither a connect per call nor a hung
 * caller; the delay grows with consecutive failures and resets on success.
 *
 * <p>Thread-safe.
 */
final class PeerLink {
  private final HostPort peer;
  private final Function<HostPort, CompletableFuture<ConnectionHandler>> dialer;
  private final Backoff backoff;
  private final Random jitter;
  private CompletableFuture<ConnectionHandler> current;
  private int failures;
  private long retryAtNanos;
  private Throwable lastFailure;

  PeerLink(
      HostPort peer,
      Function<HostPort, CompletableFuture<ConnectionHandler>> dialer,
      Backoff backoff,
      Random jitter) {
    this.peer = peer;
    this.dialer = dialer;
    this.backoff = backoff;
    this.jitter = jitter;
  }

  /**
   * The live connection, the attempt in progress, a new attempt, or (while backing off) a future
   * already failed with {@link UnreachableException}.
   */
  synchronized CompletableFuture<ConnectionHandler> acquire() {
    if (current != null) {
      if (!current.isDone()) {
        return current;
      }
      if (!current.isCompletedExceptionally() && current.join().isActive()) {
        return current;
      }
    }
    long now = System.nanoTime();
    if (failures > 0 && now - retryAtNanos < 0) {
      return CompletableFuture.failedFuture(
          new UnreachableException(
              peer + " is unreachable (" + failures + " failed connects; next try in "
                  + ((retryAtNanos - now) / 1_000_000) + " ms): " + lastFailure.getMessage(),
              lastFailure));
    }
    // Callers get the future that completes after settled() ran, so a caller who sees the failure
    // and retries at once already meets the backoff.
    current = dialer.apply(peer).whenComplete((h, e) -> settled(e));
    return current;
  }

  /**
   * True if this link holds nothing worth keeping: no attempt in progress, no backoff to honour, and
   * no live connection. Such a link can be dropped from the transport's map; a later call makes a
   * new one.
   */
  synchronized boolean disposable() {
    if (current == null) {
      return failures == 0;
    }
    return current.isDone() && !current.isCompletedExceptionally() && !current.join().isActive();
  }

  private synchronized void settled(Throwable failure) {
    if (failure == null) {
      failures = 0;
      lastFailure = null;
      return;
    }
    failures++;
    lastFailure = failure;
    retryAtNanos = System.nanoTime() + backoff.delay(Math.min(failures - 1, 30), jitter).toNanos();
  }
}
