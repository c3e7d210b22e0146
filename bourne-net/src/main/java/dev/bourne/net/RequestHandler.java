package dev.bourne.net;

import java.util.concurrent.CompletableFuture;

/**
 * Serves the requests of one method. To fail a request with a code the caller can branch on,
 * throw (or complete exceptionally with) a {@link dev.bourne.common.error.BourneException}; its
 * code, message and {@link dev.bourne.common.error.BourneException#detail() detail} reach the caller
 * as a {@link RemoteException}. Any other exception reaches the caller as code {@code INTERNAL}.
 */
@FunctionalInterface
public interface RequestHandler {
  /**
   * Handles one request. Runs on a transport thread: must not block.
   *
   * @param from the sender's advertised address, as the sender claims it (not authenticated
   *     unless TLS is on)
   * @param payload the request bytes
   * @return the reply bytes, possibly later
   */
  CompletableFuture<byte[]> handle(Inbound from, byte[] payload);
}
