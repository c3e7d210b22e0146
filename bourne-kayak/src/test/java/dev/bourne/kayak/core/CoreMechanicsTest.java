package dev.bourne.kayak.core;

import static dev.bourne.kayak.core.TestCluster.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.config.ConfigException;
import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.core.Message.AppendRequest;
import dev.bourne.kayak.core.Message.AppendResponse;
import dev.bourne.kayak.core.Message.Heartbeat;
import dev.bourne.kayak.core.Message.HeartbeatResponse;
import dev.bourne.kayak.core.Message.TimeoutNow;
import dev.bourne.kayak.core.Message.VoteRequest;
import dev.bourne.kayak.core.Message.VoteResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Replication, leadership and membership mechanics beyond the paper's core rules. */
class CoreMechanicsTest {
  private static final int[] THREE = {1, 2, 3};

  @Test
  void quorumArithmeticAgreesWithANaiveVersion() {
    Random r = new Random(1);
    for (int run = 0; run < 20_000; run++) {
      int n = 1 + r.nextInt(7);
      TreeSet<NodeId> voters = new TreeSet<>();
      Map<NodeId, Long> match = new HashMap<>();
      for (int i = 0; i < n; i++) {
        voters.add(id(i + 1));
        match.put(id(i + 1), (long) r.nextInt(20));
      }
      long fast = Quorum.committedIndex(voters, match::get);
      long naive = 0;
      for (long candidate = 0; candidate <= 20; candidate++) {
        final long c = candidate;
        if (match.values().stream().filter(m -> m >= c).count() * 2 > n) {
          naive = candidate;
        }
      }
      assertEquals(naive, fast, match.toString());
      Map<NodeId, Boolean> votes = new HashMap<>();
      for (NodeId v : voters) {
        int d = r.nextInt(3);
        if (d < 2) {
          votes.put(v, d == 0);
        }
      }
      long yes = votes.values().stream().filter(b -> b).count();
      long no = votes.values().stream().filter(b -> !b).count();
      Quorum.VoteResult expect = yes * 2 > n ? Quorum.VoteResult.WON
          : (n - no) * 2 > n ? Quorum.VoteResult.PENDING : Quorum.VoteResult.LOST;
      assertEquals(expect, Quorum.tally(voters, votes));
    }
  }

  @Test
  void membershipEncodingRoundTripsAndRejectsGarbage() {
    Membership m = new Membership(new TreeSet<>(List.of(id(1), id(2), id(3))), new TreeSet<>(List.of(id(4))));
    byte[] bytes = MembershipCodec.encode(m);
    assertEquals(1 + 4 + 4 + 16 * 4, bytes.length);
    assertEquals(m, MembershipCodec.decode(bytes));
    assertThrows(IllegalArgumentException.class, () -> MembershipCodec.decode(new byte[] {1, 0, 0}));
    assertThrows(IllegalArgumentException.class, () -> MembershipCodec.decode(new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 0}));
    byte[] huge = {1, 0x7f, 0, 0, 0};
    assertThrows(IllegalArgumentException.class, () -> MembershipCodec.decode(huge));
    assertThrows(IllegalArgumentException.class, () -> m.apply(new MembershipChange.AddLearner(id(1))));
    assertThrows(IllegalArgumentException.class, () -> m.apply(new MembershipChange.Promote(id(2))));
    assertThrows(IllegalArgumentException.class,
        () -> Membership.single(id(1)).apply(new MembershipChange.Remove(id(1))));
  }

  @Test
  void configIsValidatedWithTheKeyNamed() {
    ConfigException e = assertThrows(ConfigException.class, () -> RaftConfig.defaults().withTicks(5, 5));
    assertEquals("kayak.heartbeat-ticks", e.key());
  }

  @Test
  void pipeliningKeepsAtMostTheWindowInFlightWithManyEntriesPerMessage() {
    RaftConfig cfg = RaftConfig.defaults().withPreVoteAndCheckQuorum(false, false).withBudgets(3, 10, 1 << 20);
    Solo s = new Solo(1, THREE, new long[] {1}, 1, cfg);
    s.becomeLeaderOf3();
    long t = s.core.term();
    s.core.step(new AppendResponse(t, id(2), true, 2, 0, 0)); // follower 2 matches: REPLICATE
    s.readyAndPersist();
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(new byte[] {(byte) i});
    }
    s.core.propose(batch);
    List<Outbound> out = s.readyAndPersist();
    List<AppendRequest> sent = Solo.only(out, AppendRequest.class);
    assertEquals(3, sent.size(), "a window of 3 to the replicating follower; the probing one has a probe out");
    assertTrue(out.stream().filter(o -> o.message() instanceof AppendRequest).allMatch(o -> o.to().equals(id(2))));
    assertTrue(sent.stream().allMatch(a -> a.entries().size() <= 10));
    assertEquals(3, s.core.progress().get(id(2)).inflight());
    // an ack frees the window and more goes out
    s.core.step(new AppendResponse(t, id(2), true, 22, 0, 0)); // acknowledges two messages
    assertEquals(2, Solo.only(s.readyAndPersist(), AppendRequest.class).size());
  }

  @Test
  void checkQuorumLeaderStepsDownWithoutHearingFromAMajority() {
    RaftConfig cfg = RaftConfig.defaults();
    Solo s = new Solo(1, THREE, new long[] {1}, 1, cfg);
    s.becomeLeaderOf3();
    for (int i = 0; i < cfg.electionTicks() - 1; i++) {
      s.core.tick();
      if (i % 2 == 0) {
        s.core.step(new HeartbeatResponse(s.core.term(), id(2), 0));
      }
      s.readyAndPersist();
    }
    s.core.tick();
    assertEquals(Role.LEADER, s.core.role(), "heard from 2: a quorum with itself");
    for (int i = 0; i < cfg.electionTicks(); i++) {
      s.core.tick();
      s.readyAndPersist();
    }
    assertEquals(Role.FOLLOWER, s.core.role());
  }

  @Test
  void followerInContactWithALeaderIgnoresVoteRequestsUnlessTransferred() {
    Solo s = new Solo(1, THREE, new long[] {1}, 2);
    s.core.step(new Heartbeat(2, id(2), 0, 0));
    s.readyAndPersist();
    s.core.step(new VoteRequest(3, id(3), 5, 2, false, false));
    assertEquals(2, s.core.term(), "leader lease: not deposed");
    assertTrue(Solo.only(s.readyAndPersist(), VoteResponse.class).isEmpty());
    s.core.step(new VoteRequest(3, id(3), 5, 2, false, true));
    assertEquals(3, s.core.term());
    assertTrue(Solo.only(s.readyAndPersist(), VoteResponse.class).get(0).granted());
  }

  @Test
  void preVoteDoesNotChangeTermOrVote() {
    Solo s = new Solo(1, THREE, new long[] {1}, 2);
    s.core.step(new VoteRequest(3, id(3), 5, 2, true, false));
    VoteResponse r = Solo.only(s.readyAndPersist(), VoteResponse.class).get(0);
    assertTrue(r.granted());
    assertEquals(3, r.term());
    assertEquals(2, s.core.term());
    assertEquals(Optional.empty(), s.meta.load().votedFor());
  }

  @Test
  void oneMembershipChangeAtATime() {
    TestCluster c = TestCluster.ofVoters(3, RaftConfig.defaults().withAutoPromote(false, 0));
    c.add(4);
    c.add(5);
    c.cut(1, 2);
    c.cut(1, 3);
    assertInstanceOf(ProposeResult.Accepted.class, c.propose(1, new MembershipChange.AddLearner(id(4))));
    ProposeResult r = c.propose(1, new MembershipChange.AddLearner(id(5)));
    assertEquals(ProposeResult.Reason.CHANGE_IN_PROGRESS, ((ProposeResult.Rejected) r).reason());
    c.heal();
    c.settle();
    assertInstanceOf(ProposeResult.Accepted.class, c.propose(1, new MembershipChange.AddLearner(id(5))));
    r = c.propose(2, new MembershipChange.Remove(id(3)));
    assertEquals(ProposeResult.Reason.NOT_LEADER, ((ProposeResult.Rejected) r).reason());
    assertEquals(Optional.of(id(1)), ((ProposeResult.Rejected) r).leaderHint());
  }

  @Test
  void learnersDoNotVoteCountOrCampaignAndArePromotedWhenCaughtUp() {
    TestCluster c = TestCluster.ofVoters(3, RaftConfig.defaults().withAutoPromote(false, 0));
    c.add(4);
    c.propose(1, new MembershipChange.AddLearner(id(4)));
    c.settle();
    assertTrue(c.core(1).membership().learners().contains(id(4)));
    for (int i = 0; i < 10 * c.config.electionTicks(); i++) {
      c.core(4).tick();
      c.m(4).process();
    }
    assertEquals(Role.FOLLOWER, c.core(4).role(), "a learner never campaigns");
    ProgressView p = c.core(1).progress().get(id(4));
    assertFalse(p.voter());
    assertEquals(c.core(1).lastIndex(), p.match(), "the host can see it caught up");
    // a learner's acknowledgement never makes a quorum: cut both voters, only the learner answers
    c.cut(1, 2);
    c.cut(1, 3);
    long idx = ((ProposeResult.Accepted) c.propose(1, "x")).lastIndex();
    c.settle();
    assertTrue(c.core(1).commitIndex() < idx);
    c.heal();
    c.settle();
    c.propose(1, new MembershipChange.Promote(id(4)));
    c.settle();
    assertTrue(c.core(4).membership().isVoter(id(4)));
  }

  @Test
  void readIndexWaitsForAnEntryOfTheLeadersTermAndAQuorumRound() {
    RaftConfig cfg = RaftConfig.defaults().withPreVoteAndCheckQuorum(false, false);
    Solo s = new Solo(1, THREE, new long[] {1, 1}, 1, cfg);
    s.becomeLeaderOf3();
    long t = s.core.term();
    s.core.requestRead(7);
    assertTrue(s.ready().reads().isEmpty(), "the NOOP of this term is not committed yet");
    s.core.step(new AppendResponse(t, id(2), true, 3, 0, 0));
    List<Outbound> out = s.readyAndPersist();
    assertEquals(3, s.core.commitIndex());
    List<Heartbeat> hbs = Solo.only(out, Heartbeat.class);
    assertEquals(2, hbs.size(), "a confirmation round goes out at once");
    s.core.step(new HeartbeatResponse(t, id(3), hbs.get(0).readSeq() - 1));
    assertTrue(s.ready().reads().isEmpty(), "an answer to an older round does not confirm");
    s.core.step(new HeartbeatResponse(t, id(3), hbs.get(0).readSeq()));
    assertEquals(List.of(new ReadResult.Confirmed(7, 3)), s.ready().reads());
    // a follower refuses, pointing at the leader
    Solo f = new Solo(2, THREE, new long[] {1}, 2);
    f.core.step(new Heartbeat(2, id(1), 0, 0));
    f.core.requestRead(8);
    assertEquals(List.of(new ReadResult.Aborted(8, Optional.of(id(1)))), f.ready().reads());
  }

  @Test
  void pendingReadsAreAbortedWhenLeadershipIsLost() {
    RaftConfig cfg = RaftConfig.defaults().withPreVoteAndCheckQuorum(false, false);
    Solo s = new Solo(1, THREE, new long[] {1}, 1, cfg);
    s.becomeLeaderOf3();
    s.core.requestRead(1);
    s.core.step(new AppendRequest(s.core.term() + 1, id(2), 0, 0, List.of(), 0));
    assertEquals(List.of(new ReadResult.Aborted(1, Optional.of(id(2)))), s.ready().reads());
  }

  @Test
  void transferWaitsForTheTargetToCatchUpAndRefusesProposalsMeanwhile() {
    RaftConfig cfg = RaftConfig.defaults().withPreVoteAndCheckQuorum(false, false);
    Solo s = new Solo(1, THREE, new long[] {1}, 1, cfg);
    s.becomeLeaderOf3();
    long t = s.core.term();
    assertInstanceOf(ProposeResult.Accepted.class, s.core.transferLeadership(id(3)));
    assertTrue(Solo.only(s.readyAndPersist(), TimeoutNow.class).isEmpty(), "3 has not caught up");
    ProposeResult r = s.core.propose(new byte[] {1});
    assertEquals(ProposeResult.Reason.TRANSFER_IN_PROGRESS, ((ProposeResult.Rejected) r).reason());
    s.core.step(new AppendResponse(t, id(3), true, s.core.lastIndex(), 0, 0));
    assertEquals(1, Solo.only(s.readyAndPersist(), TimeoutNow.class).size());
    // the target campaigns at once, bypassing leases
    Solo target = new Solo(3, THREE, new long[] {1, t}, t);
    target.core.step(new TimeoutNow(t, id(1)));
    List<VoteRequest> votes = Solo.only(target.readyAndPersist(), VoteRequest.class);
    assertEquals(2, votes.size());
    assertTrue(votes.get(0).transfer() && !votes.get(0).preVote());
  }

  @Test
  void malformedMessagesAreDroppedAndCountedLeavingStateIntact() {
    Solo s = new Solo(1, THREE, new long[] {1}, 2);
    Entry gap = new Entry(5, 2, EntryKind.STD, new byte[0]);
    s.core.step(new AppendRequest(2, id(2), 1, 1, List.of(gap), 0));
    s.core.step(new AppendRequest(2, id(1), 1, 1, List.of(), 0)); // claims to be from itself
    Entry future = new Entry(2, 9, EntryKind.STD, new byte[0]);
    s.core.step(new AppendRequest(2, id(2), 1, 1, List.of(future), 0)); // entry term above the leader's
    Entry badConfig = new Entry(2, 2, EntryKind.CONFIG, new byte[] {(byte) 0xFF, 1, 2});
    s.core.step(new AppendRequest(2, id(2), 1, 1, List.of(badConfig), 0)); // undecodable configuration
    Entry older = new Entry(3, 1, EntryKind.STD, new byte[0]);
    Entry newer = new Entry(2, 2, EntryKind.STD, new byte[0]);
    s.core.step(new AppendRequest(2, id(2), 1, 1, List.of(newer, older), 0)); // terms going backwards
    s.core.step(new AppendRequest(3, id(2), 1, 2, List.of(new Entry(2, 1, EntryKind.STD, new byte[0])), 0)); // below prevTerm
    assertEquals(6, s.core.malformedMessages());
    assertEquals(1, s.core.lastIndex());
    assertTrue(s.readyAndPersist().isEmpty());
  }

  @Test
  void followerBehindTheCompactedPrefixIsReportedAsNeedingASnapshot() {
    RaftConfig cfg = RaftConfig.defaults().withPreVoteAndCheckQuorum(false, false);
    Solo s = new Solo(1, THREE, new long[] {1, 1, 1, 1, 1}, 1, cfg);
    s.becomeLeaderOf3();
    s.storage.compactPrefix(4, 1);
    long t = s.core.term();
    // follower 3 has nothing: backtracking reaches the compacted prefix
    s.core.step(new AppendResponse(t, id(3), false, 5, 1, 0));
    Ready r = s.ready();
    assertEquals(List.of(id(3)), r.needSnapshot());
    assertEquals(ProgressState.SNAPSHOT, s.core.progress().get(id(3)).state());
  }

  @Test
  void restartWithAnAppliedIndexDeliversOnlyWhatFollowsIt() {
    Solo s = new Solo(1, new int[] {1}, new long[] {1, 1, 1, 1, 1}, 1);
    s.meta.save(new dev.bourne.kayak.core.HardState(1, Optional.empty(), 2));
    RaftCore restarted = new RaftCore(id(1), RaftConfig.defaults(), s.storage, s.meta.load(), 4, new Random(1));
    assertEquals(4, restarted.commitIndex(), "applied entries are committed");
    Ready r = restarted.ready();
    assertTrue(r.committed().isEmpty(), "nothing re-delivered");
    assertThrows(IllegalArgumentException.class,
        () -> new RaftCore(id(1), RaftConfig.defaults(), s.storage, s.meta.load(), 6, new Random(1)));
    RaftCore fresh = new RaftCore(id(1), RaftConfig.defaults(), s.storage, s.meta.load(), new Random(1));
    assertEquals(List.of(1L, 2L), fresh.ready().committed().stream().map(Entry::index).toList(),
        "without an applied index, everything known committed is delivered");
  }

  @Test
  void sameInputsGiveTheSameOutputs() {
    List<String> a = runScript(11);
    List<String> b = runScript(11);
    assertEquals(a, b);
  }

  private static List<String> runScript(long seed) {
    TestCluster c = new TestCluster(RaftConfig.defaults(), seed);
    TestCluster.Member first = c.add(1);
    first.core.bootstrap();
    first.process();
    c.add(2);
    c.add(3);
    for (int i = 0; i < 200; i++) {
      c.tickAll();
      TestCluster.Member l = c.leaders().isEmpty() ? null : c.members.get(c.leaders().get(0));
      if (l != null && i % 20 == 0) {
        l.core.proposeChange(new MembershipChange.AddLearner(id(2 + (i / 20) % 2)));
        l.process();
      }
      if (l != null) {
        l.core.propose(new byte[] {(byte) i});
        l.process();
      }
    }
    return c.trace;
  }
}
