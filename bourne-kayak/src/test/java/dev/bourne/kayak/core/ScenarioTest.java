package dev.bourne.kayak.core;

import static dev.bourne.kayak.core.TestCluster.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.api.Role;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-written scenarios from the Raft paper and the situations the issue names. */
class ScenarioTest {
  private static boolean appliedPayload(TestCluster.Member m, String payload) {
    return m.appliedEver.stream().anyMatch(e -> new String(e.payload(), StandardCharsets.UTF_8).equals(payload));
  }

  private static long index(ProposeResult r) {
    return ((ProposeResult.Accepted) assertInstanceOf(ProposeResult.Accepted.class, r)).lastIndex();
  }

  /**
   * Raft paper, Figure 8: an entry of an earlier term stored on a majority is not committed by
   * counting replicas (5.4.2), because a later leader may still overwrite it.
   */
  @Test
  void figure8_entryOfEarlierTermOnMajorityIsNotCommittedAndMayBeOverwritten() {
    RaftConfig cfg = RaftConfig.defaults().withPreVoteAndCheckQuorum(false, false).withBudgets(64, 1, 1 << 20);
    TestCluster c = TestCluster.ofVoters(5, cfg);
    long b = c.core(1).lastIndex();
    assertEquals(b, c.core(1).commitIndex());
    long t0 = c.core(1).term();

    // (a) S1 replicates b+1 to S2 only, then crashes
    c.cut(1, 3);
    c.cut(1, 4);
    c.cut(1, 5);
    assertEquals(b + 1, index(c.propose(1, "from-term-" + t0)));
    c.deliver();
    c.heal();
    c.m(1).crash();
    assertEquals(t0, c.core(2).termAt(b + 1));

    // (b) S5 is elected by S3, S4 (and itself), appends b+1 in its term locally only, crashes
    c.dropIf = o -> o.message() instanceof Message.AppendRequest && o.message().from().equals(id(5));
    c.elect(5);
    long t1 = c.core(5).term();
    assertEquals(t1, c.core(5).termAt(b + 1));
    c.m(5).crash();

    // (c) S1 restarts, is elected, and copies b+1 (term t0) to S3: a majority holds it. Its own
    // NOOP never gets through, so b+1 must stay uncommitted.
    c.m(1).start();
    c.dropIf = o -> o.message() instanceof Message.AppendRequest && o.to().equals(id(4));
    c.rewrite = m -> m instanceof Message.AppendRequest a && a.from().equals(id(1))
        ? new Message.AppendRequest(a.term(), a.from(), a.prevIndex(), a.prevTerm(),
            a.entries().stream().filter(e -> e.term() != a.term()).toList(), a.commitIndex())
        : m;
    c.elect(1);
    long t2 = c.core(1).term();
    c.settle();
    assertEquals(t0, c.core(3).termAt(b + 1), "S3 holds the old entry: it is on S1, S2, S3");
    assertTrue(c.core(1).commitIndex() < b + 1, "Figure 8: an earlier term's entry is not committed by counting");

    // (d) S1 crashes again; S5 (last term t1 > t0) can win and overwrite b+1 everywhere
    c.m(1).crash();
    c.dropIf = o -> false;
    c.rewrite = m -> m;
    c.m(5).start();
    c.elect(5);
    assertTrue(c.core(5).term() > t2);
    c.propose(5, "after");
    c.settle();
    for (int n : new int[] {2, 3, 4, 5}) {
      assertEquals(t1, c.core(n).termAt(b + 1), "member " + n);
      assertTrue(appliedPayload(c.m(n), "after"));
    }
    for (TestCluster.Member m : c.members.values()) {
      assertFalse(appliedPayload(m, "from-term-" + t0), "the overwritten entry was never applied");
    }
  }

  /** Figure 8 (e): once the leader's own-term entry is on a majority, both commit and S5 cannot win. */
  @Test
  void figure8_currentTermEntryOnMajorityCommitsEarlierOnesAndBlocksStaleCandidate() {
    RaftConfig cfg = RaftConfig.defaults().withPreVoteAndCheckQuorum(false, false).withBudgets(64, 1, 1 << 20);
    TestCluster c = TestCluster.ofVoters(5, cfg);
    long b = c.core(1).lastIndex();
    c.cut(1, 3);
    c.cut(1, 4);
    c.cut(1, 5);
    c.propose(1, "old");
    c.deliver();
    c.heal();
    c.m(1).crash();
    c.dropIf = o -> o.message() instanceof Message.AppendRequest && o.message().from().equals(id(5));
    c.elect(5);
    c.m(5).crash();
    c.m(1).start();
    c.dropIf = o -> o.to().equals(id(4)) && o.message() instanceof Message.AppendRequest;
    c.elect(1);
    c.settle();
    assertTrue(c.core(1).commitIndex() >= b + 2, "the NOOP of S1's term commits, and b+1 with it");
    c.m(1).crash();
    c.dropIf = o -> false;
    c.m(5).start();
    for (int i = 0; i < 100; i++) {
      c.tickAll();
      assertNotEquals(Role.LEADER, c.core(5).role(), "S5's log is stale: it cannot win");
    }
    for (int n : new int[] {2, 3}) {
      assertTrue(appliedPayload(c.m(n), "old"));
    }
  }

  /** A leader cut off with a minority cannot commit, steps down (CheckQuorum), and its entries are replaced. */
  @Test
  void leaderPartitionedWithMinority() {
    TestCluster c = TestCluster.ofVoters(5, RaftConfig.defaults());
    long term = c.core(1).term();
    for (int a : new int[] {1, 2}) {
      for (int b : new int[] {3, 4, 5}) {
        c.cut(a, b);
      }
    }
    long lost = index(c.propose(1, "lost"));
    c.settle();
    assertTrue(c.core(1).commitIndex() < lost);
    for (int i = 0; i < 6 * c.config.electionTicks(); i++) {
      c.tickAll();
    }
    assertNotEquals(Role.LEADER, c.core(1).role(), "CheckQuorum: the cut-off leader stepped down");
    List<NodeId> leaders = c.leaders();
    assertEquals(1, leaders.size());
    assertTrue(List.of(id(3), id(4), id(5)).contains(leaders.get(0)));
    int nl = leaders.get(0).equals(id(3)) ? 3 : leaders.get(0).equals(id(4)) ? 4 : 5;
    assertTrue(c.core(nl).term() > term);
    c.propose(nl, "kept");
    c.settle();
    c.heal();
    for (int i = 0; i < 3 * c.config.electionTicks(); i++) {
      c.tickAll();
    }
    c.settle();
    for (TestCluster.Member m : c.members.values()) {
      assertTrue(appliedPayload(m, "kept"), m.id.shortString());
      assertFalse(appliedPayload(m, "lost"), m.id.shortString());
      assertNotEquals(term, m.core.termAt(lost), "the uncommitted entry was truncated");
    }
  }

  /** A follower far behind catches up in large batches, and skips a whole conflicting term per round trip. */
  @Test
  void followerFarBehindWithConflictingTailCatchesUpFast() {
    RaftConfig cfg = RaftConfig.defaults().withBudgets(4, 16, 1 << 20);
    TestCluster c = TestCluster.ofVoters(3, cfg);
    // S3 leads for a while, then is cut off and appends 100 entries nobody else gets
    assertInstanceOf(ProposeResult.Accepted.class, c.core(1).transferLeadership(id(3)));
    c.settle();
    assertEquals(Role.LEADER, c.core(3).role());
    c.isolate(3);
    for (int i = 0; i < 100; i++) {
      c.propose(3, "orphan-" + i);
    }
    for (int i = 0; i < 6 * cfg.electionTicks(); i++) {
      c.tickAll();
    }
    List<NodeId> leaders = c.leaders();
    assertEquals(1, leaders.size());
    int nl = leaders.get(0).equals(id(1)) ? 1 : 2;
    for (int i = 0; i < 300; i++) {
      c.propose(nl, "entry-" + i);
    }
    c.settle();
    c.trace.clear();
    c.heal();
    for (int i = 0; i < 4 * cfg.electionTicks() && c.core(3).commitIndex() < c.core(nl).commitIndex(); i++) {
      c.tickAll();
    }
    c.settle();
    assertEquals(c.core(nl).lastIndex(), c.core(3).lastIndex());
    assertTrue(appliedPayload(c.m(3), "entry-299"));
    assertFalse(appliedPayload(c.m(3), "orphan-0"));
    long rejections = c.trace.stream()
        .filter(t -> t.startsWith(id(3).shortString()) && t.contains("AppendResponse") && t.contains("success=false"))
        .count();
    long appends = c.delivered("AppendRequest", 3);
    assertTrue(rejections <= 3, "fast backtracking: " + rejections + " rejections for 100 conflicting entries");
    assertTrue(appends <= 300 / 16 + 30, "batched catch-up: " + appends + " append messages for 300 entries");
  }

  /** A member returning from a partition does not depose a healthy leader with PreVote. */
  @Test
  void disruptiveRejoinIsHarmlessWithPreVote() {
    TestCluster c = TestCluster.ofVoters(3, RaftConfig.defaults());
    long term = c.core(1).term();
    c.isolate(3);
    for (int i = 0; i < 10 * c.config.electionTicks(); i++) {
      c.tickAll();
    }
    assertEquals(term, c.core(3).term(), "PreVote: the isolated member never raised its term");
    c.heal();
    for (int i = 0; i < 5 * c.config.electionTicks(); i++) {
      c.tickAll();
    }
    assertEquals(Role.LEADER, c.core(1).role());
    assertEquals(term, c.core(1).term());
  }

  /** The same rejoin without PreVote deposes the leader: what PreVote prevents. */
  @Test
  void disruptiveRejoinDeposesLeaderWithoutPreVote() {
    TestCluster c = TestCluster.ofVoters(3, RaftConfig.defaults().withPreVoteAndCheckQuorum(false, true));
    long term = c.core(1).term();
    c.isolate(3);
    for (int i = 0; i < 10 * c.config.electionTicks(); i++) {
      c.tickAll();
    }
    assertTrue(c.core(3).term() > term + 1);
    c.heal();
    for (int i = 0; i < 5 * c.config.electionTicks(); i++) {
      c.tickAll();
    }
    assertTrue(c.core(1).term() > term, "the leader saw the higher term and had to step down");
  }

  /** A join continues across a leader change: the new leader catches the learner up and promotes it. */
  @Test
  void joinWhileLeaderChanges() {
    TestCluster c = TestCluster.ofVoters(3, RaftConfig.defaults());
    for (int i = 0; i < 50; i++) {
      c.propose(1, "before-" + i);
    }
    c.settle();
    c.add(4);
    c.cut(1, 4);
    assertInstanceOf(ProposeResult.Accepted.class, c.propose(1, new MembershipChange.AddLearner(id(4))));
    c.deliver();
    assertTrue(c.core(2).membership().learners().contains(id(4)), "takes effect when appended");
    c.m(1).crash();
    c.heal();
    for (int i = 0; i < 10 * c.config.electionTicks() && c.leaders().isEmpty(); i++) {
      c.tickAll();
    }
    for (int i = 0; i < 5 * c.config.electionTicks(); i++) {
      c.tickAll();
    }
    List<NodeId> leaders = c.leaders();
    assertEquals(1, leaders.size());
    assertNotEquals(id(1), leaders.get(0));
    int nl = leaders.get(0).equals(id(2)) ? 2 : 3;
    assertTrue(c.core(nl).membership().isVoter(id(4)), "promoted by the new leader once caught up");
    c.m(1).start();
    c.propose(nl, "after");
    c.settle();
    for (int n = 1; n <= 4; n++) {
      assertTrue(appliedPayload(c.m(n), "before-49"), "member " + n);
      assertTrue(appliedPayload(c.m(n), "after"), "member " + n);
      assertEquals(4, c.core(n).membership().voters().size());
    }
  }

  /** A CONFIG entry that never reached a majority is rolled back when truncated. */
  @Test
  void uncommittedConfigurationIsRolledBackOnTruncation() {
    TestCluster c = TestCluster.ofVoters(3, RaftConfig.defaults());
    c.add(4);
    c.isolate(1);
    c.propose(1, new MembershipChange.AddLearner(id(4)));
    assertTrue(c.core(1).membership().contains(id(4)), "in force as soon as appended");
    for (int i = 0; i < 6 * c.config.electionTicks(); i++) {
      c.tickAll();
    }
    int nl = c.leaders().get(0).equals(id(2)) ? 2 : 3;
    c.propose(nl, "x");
    c.settle();
    c.heal();
    for (int i = 0; i < 3 * c.config.electionTicks(); i++) {
      c.tickAll();
    }
    c.settle();
    assertFalse(c.core(1).membership().contains(id(4)), "rolled back with the truncated entry");
    assertEquals(c.core(nl).lastIndex(), c.core(1).lastIndex());
    Entry last = c.m(1).applied.get(c.m(1).applied.size() - 1);
    assertEquals(EntryKind.STD, last.kind());
  }

  /** A leader that removes itself keeps leading until the change commits, then hands over. */
  @Test
  void leaderRemovingItselfHandsOverAfterCommit() {
    TestCluster c = TestCluster.ofVoters(3, RaftConfig.defaults());
    assertInstanceOf(ProposeResult.Accepted.class, c.propose(1, new MembershipChange.Remove(id(1))));
    assertEquals(Role.LEADER, c.core(1).role(), "still leads while the change is uncommitted");
    c.settle();
    for (int i = 0; i < 3 * c.config.electionTicks(); i++) {
      c.tickAll();
    }
    assertNotEquals(Role.LEADER, c.core(1).role());
    List<NodeId> leaders = c.leaders();
    assertEquals(1, leaders.size());
    int nl = leaders.get(0).equals(id(2)) ? 2 : 3;
    assertFalse(c.core(nl).membership().contains(id(1)));
    c.propose(nl, "without-1");
    c.settle();
    assertTrue(appliedPayload(c.m(2), "without-1") && appliedPayload(c.m(3), "without-1"));
    // the removed member stays quiet: ticking it for long never starts an election
    long t = c.core(nl).term();
    for (int i = 0; i < 10 * c.config.electionTicks(); i++) {
      c.tickAll();
    }
    assertEquals(t, c.core(nl).term());
    assertEquals(Role.FOLLOWER, c.core(1).role());
  }
}
