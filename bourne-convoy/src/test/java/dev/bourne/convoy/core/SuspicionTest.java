package dev.bourne.convoy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.GossipConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Lifeguard: the suspicion timeout shrinks with independent confirmations, never below the least. */
class SuspicionTest {
  private final Random random = new Random(2);

  @Test
  void confirmationsShrinkTheTimeoutFromMaxToMin() {
    NodeId first = NodeId.random(random);
    Suspicion s = new Suspicion(3, first, 1000, 100, 600, 3);
    assertEquals(1600, s.deadlineNanos());
    long last = s.deadlineNanos();
    assertFalse(s.confirm(first), "the first accuser does not confirm itself");
    for (int i = 0; i < 3; i++) {
      assertTrue(s.confirm(NodeId.random(random)));
      assertTrue(s.deadlineNanos() < last);
      last = s.deadlineNanos();
    }
    assertEquals(1100, s.deadlineNanos());
    assertFalse(s.confirm(NodeId.random(random)), "confirmations beyond the expected count change nothing");
  }

  @Test
  void timeoutsScaleWithLogN() {
    GossipConfig user = GossipConfig.lan();
    ProtocolConfig c = ProtocolConfig.from(user);
    assertEquals(c.suspicionMinNanos(5), c.suspicionMinNanos(10));
    assertTrue(c.suspicionMinNanos(1000) >= 2 * c.suspicionMinNanos(10));
    assertEquals(c.suspicionMinNanos(100) * c.suspicionMaxMult(), c.suspicionMaxNanos(100));
    for (int n : new int[] {1, 5, 10, 100, 1000}) { // the documented formulas agree with the core's
      assertEquals(user.suspicionMinTimeout(n).toNanos(), c.suspicionMinNanos(n));
      assertEquals(user.suspicionMaxTimeout(n).toNanos(), c.suspicionMaxNanos(n));
      assertEquals(user.retransmitLimit(n), c.retransmitLimit(n));
    }
  }

  @Test
  void theDocumentedPacketFramingCoversTheCoresEstimates() {
    assertTrue(ProtocolConfig.PACKET_FRAMING_BYTES <= GossipConfig.PACKET_FRAMING_BYTES);
  }

  @Test
  void localHealthStretchesAndIsBounded() {
    LocalHealth h = new LocalHealth(3);
    assertEquals(100, h.scale(100));
    for (int i = 0; i < 10; i++) {
      h.adjust(1);
    }
    assertEquals(3, h.score());
    assertEquals(400, h.scale(100));
    h.adjust(-10);
    assertEquals(0, h.score());
  }
}
