package dev.bourne.it.kv.core;

import java.util.Objects;

/**
 * A client's name for one of its writes: a retry with the same id applies at most once, and gets
 * the first attempt's outcome. Sequence numbers need not arrive in order, but a client keeps at
 * most {@link Sessions#WINDOW} writes in flight: older ones are forgotten and a retry of one fails
 * with {@link Outcome.Expired} instead of applying twice.
 *
 * @param client the client's id (1 to 128 characters; letters, digits, {@code -_.:})
 * @param seq the request's sequence number within that client, from 1
 */
public record RequestId(String client, long seq) {
  private static final java.util.regex.Pattern CLIENT = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** @throws IllegalArgumentException if the client id or sequence number is not of the documented form */
  public RequestId {
    Objects.requireNonNull(client, "client");
    if (!CLIENT.matcher(client).matches()) {
      throw new IllegalArgumentException(
          "client id must be 1 to 128 letters, digits or '-_.:', got '" + Limits.shorten(client) + "'");
    }
    if (seq < 1) {
      throw new IllegalArgumentException("request sequence number must be at least 1, got " + seq);
    }
  }

  @Override
  public String toString() {
    return client + "#" + seq;
  }
}
