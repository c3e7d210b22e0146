package dev.bourne.convoy.host;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How the host's blocking calls wait for its futures: plain exceptions instead of wrapped ones. */
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
