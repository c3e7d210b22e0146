package dev.bourne.kayak.core;

import static dev.bourne.kayak.core.TestCluster.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.core.Message.AppendRequest;
import dev.bourne.kayak.core.Message.AppendResponse;
import dev.bourne.kayak.core.Message.VoteRequest;
import dev.bourne.kayak.core.Message.VoteResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Unit tests named after the rules of the Raft paper (section 5.x) and dissertation. */
class RaftPaperRulesTest {
  private static final int[] THREE = {1, 2, 3};
  private static final RaftConfig PLAIN = RaftConfig.defaults().withPreVoteAndCheckQuorum(false, false);

  private static Entry std(long index, long term) {
    return new Entry(index, term, EntryKind.STD, new byte[] {(byte) index});
  }

  @Test
  void section5_1_staleTermRequestIsRejectedWithTheCurrentTerm() {
    Solo s = new Solo(1, THREE, new long[] {1, 1}, 5);
    s.core.step(new AppendRequest(3, id(2), 2, 1, List.of(std(3, 3)), 3));
    List<AppendResponse> out = Solo.only(s.readyAndPersist(), AppendResponse.class);
    assertEquals(1, out.size());
    assertEquals(5, out.get(0).term());
    assertFalse(out.get(0).success());
    assertEquals(2, s.core.lastIndex(), "log unchanged");
    assertEquals(5, s.core.term());
  }

  @Test
  void section5_1_leaderStepsDownOnSeeingAHigherTerm() {
    Solo s = new Solo(1, THREE, new long[] {1}, 1, PLAIN);
    s.becomeLeaderOf3();
    s.core.step(new AppendResponse(9, id(2), false, 0, 0, 0));
    Ready r = s.ready();
    assertEquals(Role.FOLLOWER, s.core.role());
    assertEquals(9, r.hardState().orElseThrow().term(), "the new term is persisted");
  }

  @Test
  void section5_2_electionTimeoutIsRandomizedAfreshEveryTime() {
    Solo s = new Solo(1, THREE, new long[] {1}, 1, PLAIN);
    Set<Integer> seen = new HashSet<>();
    for (int round = 0; round < 30; round++) {
      long term = s.core.term();
      int ticks = 0;
      while (s.core.term() == term) {
        s.core.tick();
        ticks++;
      }
      s.readyAndPersist();
      assertTrue(ticks >= PLAIN.electionTicks() && ticks < 2 * PLAIN.electionTicks(), "timeout " + ticks);
      seen.add(ticks);
    }
    assertTrue(seen.size() >= 4, "timeouts drawn afresh: " + seen);
  }

  @Test
  void section5_2_votesForAtMostOneCandidatePerTerm() {
    Solo s = new Solo(1, THREE, new long[] {1}, 1, PLAIN);
    s.core.step(new VoteRequest(2, id(2), 1, 1, false, false));
    s.core.step(new VoteRequest(2, id(3), 1, 1, false, false));
    List<VoteResponse> out = Solo.only(s.readyAndPersist(), VoteResponse.class);
    assertEquals(List.of(true, false), out.stream().map(VoteResponse::granted).toList());
    // the vote survives a restart
    assertEquals(Optional.of(id(2)), s.meta.load().votedFor());
  }

  @Test
  void section5_2_termAndVoteArePersistedBeforeTheVoteIsSent() {
    Solo s = new Solo(1, THREE, new long[] {1}, 1, PLAIN);
    s.core.step(new VoteRequest(2, id(2), 1, 1, false, false));
    Ready r = s.core.ready();
    assertEquals(2, r.hardState().orElseThrow().term());
    assertEquals(Optional.of(id(2)), r.hardState().orElseThrow().votedFor());
    assertTrue(Solo.only(r.messages(), VoteResponse.class).isEmpty(), "the vote may not leave early");
    assertEquals(1, Solo.only(r.persistedMessages(), VoteResponse.class).size());
  }

  @Test
  void section5_2_rejectingAVoteDoesNotStartAnElection() {
    Solo s = new Solo(1, THREE, new long[] {1, 2}, 2, PLAIN);
    s.core.step(new VoteRequest(3, id(2), 1, 1, false, false)); // stale log: rejected
    List<Outbound> out = s.readyAndPersist();
    assertFalse(Solo.only(out, VoteResponse.class).get(0).granted());
    assertTrue(Solo.only(out, VoteRequest.class).isEmpty());
    assertEquals(Role.FOLLOWER, s.core.role());
  }

  @Test
  void section5_4_1_upToDateComparesLastTermFirstThenLastIndex() {
    long[] log = {1, 1, 1, 1, 2}; // last entry 5 @ term 2
    record Case(long lastIndex, long lastTerm, boolean granted) {}
    for (Case c : List.of(new Case(2, 3, true), new Case(4, 2, false), new Case(5, 2, true), new Case(10, 1, false),
        new Case(6, 2, true))) {
      Solo s = new Solo(1, THREE, log, 2, PLAIN);
      s.core.step(new VoteRequest(3, id(2), c.lastIndex, c.lastTerm, false, false));
      assertEquals(c.granted, Solo.only(s.readyAndPersist(), VoteResponse.class).get(0).granted(), c.toString());
    }
    assertTrue(Elections.isUpToDate(3, 1, 2, 100));
    assertFalse(Elections.isUpToDate(1, 100, 2, 1));
  }

  @Test
  void section5_3_followerRejectsAMismatchWithTheConflictingTermAndItsFirstIndex() {
    Solo s = new Solo(1, THREE, new long[] {1, 1, 2, 2, 2}, 3, PLAIN);
    s.core.step(new AppendRequest(3, id(2), 5, 3, List.of(), 0));
    AppendResponse r = Solo.only(s.readyAndPersist(), AppendResponse.class).get(0);
    assertFalse(r.success());
    assertEquals(5, r.index());
    assertEquals(2, r.hintTerm());
    assertEquals(3, r.hintIndex());
    s.core.step(new AppendRequest(3, id(2), 9, 3, List.of(), 0));
    r = Solo.only(s.readyAndPersist(), AppendResponse.class).get(0);
    assertEquals(0, r.hintTerm());
    assertEquals(6, r.hintIndex(), "log too short: resume after its end");
  }

  @Test
  void section5_3_followerCommitsOnlyAfterTheConsistencyCheck() {
    Solo s = new Solo(1, THREE, new long[] {1, 1, 2}, 3, PLAIN);
    s.core.step(new AppendRequest(3, id(2), 3, 3, List.of(std(4, 3)), 4));
    s.readyAndPersist();
    assertEquals(0, s.core.commitIndex());
    s.core.step(new AppendRequest(3, id(2), 3, 2, List.of(std(4, 3)), 4));
    s.readyAndPersist();
    assertEquals(4, s.core.commitIndex());
  }

  @Test
  void section5_3_truncatesOnlyOnARealConflict() {
    Solo s = new Solo(1, THREE, new long[] {1}, 2, PLAIN);
    s.core.step(new AppendRequest(2, id(2), 1, 1, List.of(std(2, 2), std(3, 2), std(4, 2)), 0));
    s.readyAndPersist();
    // a delayed, shorter copy of an earlier message: everything matches, nothing is cut
    s.core.step(new AppendRequest(2, id(2), 1, 1, List.of(std(2, 2)), 0));
    Ready r = s.ready();
    assertEquals(0, r.truncateFrom());
    assertEquals(4, s.core.lastIndex());
    assertEquals(2, Solo.only(r.persistedMessages(), AppendResponse.class).get(0).index());
    // a real conflict from a newer leader: cut from there
    s.core.step(new AppendRequest(3, id(3), 2, 2, List.of(std(3, 3)), 0));
    r = s.ready();
    assertEquals(3, r.truncateFrom());
    assertEquals(3, s.core.lastIndex());
    assertEquals(3, s.core.termAt(3));
  }

  @Test
  void section5_4_2_leaderCommitsEarlierTermEntriesOnlyThroughAnEntryOfItsTerm() {
    Solo s = new Solo(1, THREE, new long[] {1, 1, 2}, 2, PLAIN);
    s.becomeLeaderOf3(); // term 3, NOOP at 4
    long t = s.core.term();
    assertEquals(4, s.core.lastIndex());
    s.core.step(new AppendResponse(t, id(2), true, 3, 0, 0));
    s.readyAndPersist();
    assertEquals(0, s.core.commitIndex(), "index 3 (term 2) is on a majority but is not of this term");
    s.core.step(new AppendResponse(t, id(2), true, 4, 0, 0));
    s.readyAndPersist();
    assertEquals(4, s.core.commitIndex());
  }

  @Test
  void leaderCountsItselfOnlyOnceItsOwnWriteIsDurable() {
    Solo s = new Solo(1, new int[] {1}, new long[] {1}, 1);
    for (int i = 0; i < 3 * s.core.config().electionTicks() && s.core.role() != Role.LEADER; i++) {
      s.core.tick();
      s.readyAndPersist();
    }
    assertEquals(Role.LEADER, s.core.role());
    ProposeResult.Accepted a = (ProposeResult.Accepted) s.core.propose(new byte[] {1});
    List<Entry> committed = new ArrayList<>(s.ready().committed());
    assertTrue(s.core.commitIndex() < a.lastIndex(), "not durable yet, so not counted");
    // group commit: one persisted() covers two Readys
    ProposeResult.Accepted b = (ProposeResult.Accepted) s.core.propose(new byte[] {2});
    s.ready();
    s.persist();
    assertEquals(b.lastIndex(), s.core.commitIndex());
    committed.addAll(s.ready().committed());
    assertEquals(b.lastIndex(), committed.get(committed.size() - 1).index());
  }

  @Test
  void followerAcknowledgesAppendsOnlyAfterTheyAreDurable() {
    Solo s = new Solo(1, THREE, new long[] {1}, 2, PLAIN);
    s.core.step(new AppendRequest(2, id(2), 1, 1, List.of(std(2, 2)), 0));
    Ready r = s.core.ready();
    assertTrue(Solo.only(r.messages(), AppendResponse.class).isEmpty());
    assertEquals(1, Solo.only(r.persistedMessages(), AppendResponse.class).size());
  }
}
