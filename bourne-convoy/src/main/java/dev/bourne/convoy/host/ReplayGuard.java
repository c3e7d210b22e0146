package dev.bourne.convoy.host;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Refuses encrypted messages that are old or seen before. A message is accepted only if the
 * sender's timestamp is within {@link #WINDOW_MILLIS} of this member's clock, and only once: its
 * nonce is remembered for twice the window after it arrived, which covers every time at which the
 * same message could still pass the timestamp check. Members' clocks must therefore agree within
 * the window (NTP keeps them far closer). Only authenticated messages reach it, so the memory it
 * holds grows with the real traffic, and it is bounded besides.
 *
 * <p>Thread-safe.
 */
final class ReplayGuard {
  /** How far a message's timestamp may be from this member's clock: 2 minutes. */
  static final long WINDOW_MILLIS = 120_000;
  /** Nonces remembered at most; beyond it the oldest are forgotten first. */
  static final int MAX_REMEMBERED = 1 << 20;

  /** The verdict on one message. */
  enum Verdict { FRESH, STALE, REPLAYED }

  private record Nonce(long high, int low) {}

  private record Seen(long forgetAt, Nonce nonce) {}

  private final Set<Nonce> seen = new HashSet<>();
  private final ArrayDeque<Seen> order = new ArrayDeque<>();

  synchronized Verdict check(long nowMillis, long sentAtMillis, long nonceHigh, int nonceLow) {
    while (!order.isEmpty() && (order.peekFirst().forgetAt() <= nowMillis || order.size() > MAX_REMEMBERED)) {
      seen.remove(order.pollFirst().nonce());
    }
    if (Math.abs(nowMillis - sentAtMillis) > WINDOW_MILLIS) {
      return Verdict.STALE;
    }
    Nonce n = new Nonce(nonceHigh, nonceLow);
    if (!seen.add(n)) {
      return Verdict.REPLAYED;
    }
    order.addLast(new Seen(nowMillis + 2 * WINDOW_MILLIS, n));
    return Verdict.FRESH;
  }
}
