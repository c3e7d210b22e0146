package dev.bourne.convoy.host;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;

/** How the host hands its futures to callers: blocking joins with plain exceptions, and off-loop completion. */
final class Futures {
  private Futures() {}

  /**
   * Waits for {@code f} and returns its value, or throws its failure as the exception a blocking
   * caller should see (unwrapped; a checked cause becomes an {@code INTERNAL} {@link BourneException}).
   */
  static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (RuntimeException e) {
      throw unwrap(e);
    }
  }

  /**
   * The same outcome, completed on a pool thread: a caller's dependent stage (which may block) must
   * run neither on the member's event loop nor on a transport thread, or it would stall the protocol.
   */
  static <T> CompletableFuture<T> offLoop(CompletableFuture<T> f) {
    // The common pool explicitly: with one or two cores, the default async executor would start a
    // new thread per completion.
    return f.whenCompleteAsync((r, e) -> { }, ForkJoinPool.commonPool());
  }

  private static RuntimeException unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof RuntimeException r) {
      return r;
    }
    return new BourneException(ErrorCode.INTERNAL, String.valueOf(c), c);
  }
}
