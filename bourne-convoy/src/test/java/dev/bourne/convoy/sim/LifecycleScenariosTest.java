package dev.bourne.convoy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.api.MembershipEvent;
import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.convoy.sim.SimCluster.Node;
import dev.bourne.convoy.storage.MemoryStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Leave, evict, fail and rejoin, reaping, and isolation, as hand-written scenarios. */
class LifecycleScenariosTest {
  private static final Duration STEP = Duration.ofMillis(20);

  @Test
  void aLeaveIsSeenAsLeftNotFailed() {
    Seeds.forEach(40, seed -> {
      SimCluster c = MembershipPropertiesTest.formed(seed, 6);
      // The live set itself: a copy taken now would stay empty whatever happens later.
      Set<String> failed = MembershipPropertiesTest.failedSubjects(c);
      Node x = c.nodes().get(2);
      c.await(x.host().leave(), Duration.ofSeconds(2)); // spread well before the leave timeout
      assertFalse(x.isUp(), "a member that left is stopped");
      assertTrue(c.runUntil(() -> c.live().stream().allMatch(n -> n.stateOf(x.id()) == MemberState.LEFT),
          Duration.ofSeconds(5), STEP), "not every member saw the leave");
      c.advance(Duration.ofSeconds(5));
      assertTrue(c.live().stream().allMatch(n -> n.stateOf(x.id()) == MemberState.LEFT));
      assertEquals(Set.of(), failed);
    });
  }

  @Test
  void anEvictedMemberLearnsItAndNeverReturns() {
    SimCluster c = MembershipPropertiesTest.formed(11, 6);
    Node x = c.nodes().get(3);
    MemoryStorage beforeEviction = x.disk().reopen();
    assertTrue(c.await(c.nodes().get(0).host().directory().evictAsync(x.id())));
    assertTrue(c.runUntil(() -> !x.isUp(), Duration.ofSeconds(5), STEP), "the member never learned");
    assertEquals(Optional.empty(), x.disk().id(), "an evicted member must forget its identity");
    assertTrue(c.runUntil(() -> c.live().stream().allMatch(n -> n.stateOf(x.id()) == MemberState.EVICTED),
        Duration.ofSeconds(5), STEP));
    c.restart(x, beforeEviction, c.nodes().get(1)); // the same id trying to come back, from an old disk
    c.advance(Duration.ofSeconds(3));
    assertTrue(c.nodes().stream().filter(n -> n != x)
        .allMatch(n -> n.stateOf(x.id()) == MemberState.EVICTED), "an evicted id came back");
  }

  @Test
  void aFailedLiveMemberRejoinsWithAHigherIncarnation() {
    SimCluster c = MembershipPropertiesTest.formed(12, 6);
    Node x = c.nodes().get(4);
    long inc = x.incarnation();
    List<MembershipEvent.Kind> joins = new ArrayList<>();
    c.onEvent(e -> {
      if (e.event() instanceof MembershipEvent m && m.member().id().equals(x.id())) {
        joins.add(m.kind());
      }
    });
    assertTrue(c.await(c.nodes().get(0).host().directory().failAsync(x.id())));
    assertEquals(MemberState.FAILED, c.nodes().get(0).stateOf(x.id()));
    assertTrue(c.runUntil(c::converged, Duration.ofSeconds(10), STEP));
    assertTrue(x.incarnation() > inc);
    assertTrue(joins.contains(MembershipEvent.Kind.JOINED), "the rejoin was not announced as a join");
  }

  @Test
  void aNewMemberAtAFailedMembersAddressReplacesItsRecord() {
    SimCluster c = MembershipPropertiesTest.formed(15, 5);
    Node old = c.nodes().get(3);
    c.crash(old);
    assertTrue(c.runUntil(() -> c.live().stream().allMatch(n -> n.stateOf(old.id()) == MemberState.FAILED),
        Duration.ofSeconds(20), STEP));
    Node fresh = c.addAt(old.address());
    c.join(fresh, c.nodes().get(0));
    assertTrue(c.runUntil(() -> c.live().stream().allMatch(n -> n.stateOf(old.id()) == null
        && n.stateOf(fresh.id()) == MemberState.ALIVE), Duration.ofSeconds(10), STEP),
        "the old record at the reused address was not replaced everywhere");
  }

  @Test
  void failedMembersAreReapedAfterTheConfiguredTime() {
    GossipConfig config = GossipConfig.local().toBuilder().reapAfter(Duration.ofSeconds(10)).build();
    SimCluster c = new SimCluster(13, config);
    Node seed = c.add();
    for (int i = 0; i < 4; i++) {
      c.addAndJoin(seed);
    }
    assertTrue(c.runUntil(c::converged, Duration.ofSeconds(10), STEP));
    Node x = c.nodes().get(2);
    c.crash(x);
    assertTrue(c.runUntil(() -> seed.stateOf(x.id()) == MemberState.FAILED, Duration.ofSeconds(10), STEP));
    c.advance(Duration.ofSeconds(5));
    assertEquals(MemberState.FAILED, seed.stateOf(x.id()), "reaped too early");
    assertTrue(c.runUntil(() -> c.live().stream().allMatch(n -> n.stateOf(x.id()) == null),
        Duration.ofSeconds(10), STEP), "not reaped");
  }

  @Test
  void anIsolatedMemberRejoinsByItselfWithBackoff() {
    SimCluster c = MembershipPropertiesTest.formed(14, 5);
    Node x = c.nodes().get(4);
    var others = new java.util.HashSet<dev.bourne.common.net.HostPort>();
    c.nodes().stream().filter(n -> n != x).forEach(n -> others.add(n.address()));
    c.network().isolate(x.address(), others);
    assertTrue(c.runUntil(() -> x.activeCount() == 1, Duration.ofSeconds(30), STEP),
        "the isolated member never gave up on the others");
    long before = c.network().stats().sent();
    c.advance(Duration.ofSeconds(10));
    long during = c.network().stats().sent() - before;
    c.network().heal();
    assertTrue(c.runUntil(c::converged, Duration.ofSeconds(30), STEP), "did not rejoin after the cut healed");
    assertFalse(during == 0, "no rejoin attempts were made while isolated");
  }
}
