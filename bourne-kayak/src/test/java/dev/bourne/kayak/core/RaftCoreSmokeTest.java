package dev.bourne.kayak.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

class RaftCoreSmokeTest {
  @Test
  void threeVotersReplicateAndApply() {
    TestCluster c = TestCluster.ofVoters(3, RaftConfig.defaults());
    assertEquals(3, c.core(1).membership().voters().size());
    ProposeResult r = c.propose(1, "hello");
    assertInstanceOf(ProposeResult.Accepted.class, r);
    c.settle();
    long idx = ((ProposeResult.Accepted) r).lastIndex();
    for (int n = 1; n <= 3; n++) {
      TestCluster.Member m = c.m(n);
      assertEquals(idx, m.applied.get(m.applied.size() - 1).index(), "member " + n);
      assertEquals("hello", new String(m.applied.get(m.applied.size() - 1).payload(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
