package dev.bourne.it.kv.core;

import java.util.Objects;

/**
 * A client's name for one of its writes: a retry with the same id applies at most once, and gets
 * the first attempt's outcome ({@link Outcome.Reused} if the "retry" is a different write).
 * Sequence numbers need not arrive in order, but a client keeps at most {@link Sessions#WINDOW}
 * writes in flight: older ones are forgotten and a retry of one fails with {@link Outcome.Expired}
 * instead of applying twice.
 *
 * <p>The limit: the session table remembers the {@code maxClients} clients that wrote most recently
 * (10,000 by default). A client forgotten that way (more than that many other clients wrote since
 * its last write) is new again, and a retry of its old request would apply a second time; clients
 * that retry across long pauses should read before they retry.
 *
 * @param client the client's id (1 to 128 characters; letters, digits, {@code -_.:})
 * @param seq the request's sequence number within that client, from 1
 */
public record RequestId(String client, long seq) {
  private static final java.util.regex.Pattern CLIENT = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** Checks only that the client id is not null: see {@link #of} for the documented form. */
  public RequestId {
    Objects.requireNonNull(client, "client");
  }

  /**
   * A request id from a client, checked.
   *
   * @throws IllegalArgumentException if the client id or sequence number is not of the documented form
   */
  public static RequestId of(String client, long seq) {
    Objects.requireNonNull(client, "client");
    if (!CLIENT.matcher(client).matches()) {
      throw new IllegalArgumentException(
          "client id must be 1 to 128 letters, digits or '-_.:', got '" + Limits.shorten(client) + "'");
    }
    if (seq < 1) {
      throw new IllegalArgumentException("request sequence number must be at least 1, got " + seq);
    }
    return new RequestId(client, seq);
  }

  @Override
  public String toString() {
    return client + "#" + seq;
  }
}
