package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bourne.convoy.host.ReplayGuard.Verdict;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
  static final long W = ReplayGuard.WINDOW_MILLIS;

  @Test
  void aMessageIsAcceptedOnceAndOnlyWithinTheWindow() {
    ReplayGuard g = new ReplayGuard();
    long now = 1_000_000_000L;
    assertEquals(Verdict.FRESH, g.check(now, now, 1, 1));
    assertEquals(Verdict.REPLAYED, g.check(now + 5, now, 1, 1));
    assertEquals(Verdict.FRESH, g.check(now, now, 1, 2), "another nonce");
    assertEquals(Verdict.FRESH, g.check(now, now - W, 2, 2), "at the edge of the window, late");
    assertEquals(Verdict.FRESH, g.check(now, now + W, 3, 3), "at the edge of the window, early");
    assertEquals(Verdict.STALE, g.check(now, now - W - 1, 4, 4));
    assertEquals(Verdict.STALE, g.check(now, now + W + 1, 5, 5));
  }

  @Test
  void aNonceIsRememberedAsLongAsItsMessageCouldPassTheTimeCheck() {
    ReplayGuard g = new ReplayGuard();
    long now = 1_000_000_000L;
    // Stamped as early as accepted: it passes the time check until sentAt + W = now + 2W.
    assertEquals(Verdict.FRESH, g.check(now, now + W, 9, 9));
    assertEquals(Verdict.REPLAYED, g.check(now + 2 * W - 1, now + W, 9, 9));
    assertEquals(Verdict.STALE, g.check(now + 2 * W + 1, now + W, 9, 9), "forgotten, but too old by then");
  }
}
