package dev.bourne.kayak.groups.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.groups.AutopilotConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The autopilot's decisions, one rule at a time, on a virtual time line. */
class AutopilotTest {
  private static final long S = 1_000_000_000L;
  private static final AutopilotConfig CONFIG = AutopilotConfig.defaults()
      .withTimes(Duration.ofSeconds(10), Duration.ofSeconds(30));

  private final Random random = new Random(3);
  private final ClusterId cluster = ClusterId.random(random);
  private final List<NodeId> ids = new ArrayList<>();
  private final Map<NodeId, MemberState> health = new HashMap<>();
  private final Map<NodeId, Boolean> voter = new HashMap<>();

  private NodeId member(boolean votes, MemberState state) {
    NodeId id = NodeId.random(random);
    ids.add(id);
    voter.put(id, votes);
    health.put(id, state);
    return id;
  }

  private List<Member> roster() {
    List<Member> out = new ArrayList<>();
    for (NodeId id : ids) {
      if (voter.get(id) != null) {
        out.add(new Member(id, address(id), voter.get(id)));
      }
    }
    return out;
  }

  private HostPort address(NodeId id) {
    return new HostPort("127.0.0.1", 1000 + ids.indexOf(id));
  }

  private List<Seen> adverts() {
    List<Seen> out = new ArrayList<>();
    for (NodeId id : ids) {
      MemberState h = health.get(id);
      if (h != null) {
        out.add(new Seen(Advert.fresh("g", id, address(id), true, 3).withCluster(cluster, true), h));
      }
    }
    return out;
  }

  private Optional<Action> next(Autopilot a, long at, Optional<List<NodeId>> placement) {
    return a.next(at, ids.get(0), cluster, roster(), adverts(), placement);
  }

  private Optional<Action> next(Autopilot a, long at) {
    return a.next(at, ids.get(0), cluster, roster(), adverts());
  }

  @Test
  void aLearnerIsPromotedOnlyAfterItStayedHealthyForTheStabilizationTime() {
    Autopilot a = new Autopilot(CONFIG, 3);
    member(true, MemberState.ALIVE); // the leader
    member(true, MemberState.ALIVE);
    NodeId learner = member(false, MemberState.ALIVE);
    assertEquals(Optional.empty(), next(a, 0));
    assertEquals(Optional.empty(), next(a, 9 * S));
    Action p = next(a, 10 * S).orElseThrow();
    assertEquals(new Action.Promote(learner, p.why()), p);

    // a flapping learner starts over each time it is not alive
    Autopilot b = new Autopilot(CONFIG, 3);
    for (long t = 0; t < 60; t += 5) {
      health.put(learner, t % 10 == 0 ? MemberState.ALIVE : MemberState.SUSPECT);
      assertEquals(Optional.empty(), next(b, t * S), "t=" + t);
    }
  }

  @Test
  void beyondTheTargetMembersStayLearners() {
    Autopilot a = new Autopilot(CONFIG, 3);
    member(true, MemberState.ALIVE);
    member(true, MemberState.ALIVE);
    member(true, MemberState.ALIVE);
    member(false, MemberState.ALIVE);
    next(a, 0);
    assertEquals(Optional.empty(), next(a, 100 * S));
    assertEquals(3, new Autopilot(CONFIG, 4).target(), "an even expect counts as the odd number below");
  }

  @Test
  void aCrashedVoterIsReplacedFirstThenRemovedAfterTheThreshold() {
    Autopilot a = new Autopilot(CONFIG, 3);
    member(true, MemberState.ALIVE);
    member(true, MemberState.ALIVE);
    NodeId doomed = member(true, MemberState.ALIVE);
    NodeId learner = member(false, MemberState.ALIVE);
    assertEquals(Optional.empty(), next(a, 0));
    health.put(doomed, MemberState.SUSPECT);
    assertEquals(Optional.empty(), next(a, 20 * S), "a suspected voter is not replaced");
    health.put(doomed, MemberState.FAILED);
    assertEquals(Optional.empty(), next(a, 21 * S), "just failed: it may be back in a moment");
    assertEquals(Optional.empty(), next(a, 30 * S), "dead for 9 s, less than the stabilization time");
    Action promote = next(a, 31 * S).orElseThrow();
    assertInstanceOf(Action.Promote.class, promote);
    assertEquals(learner, promote.member());
    voter.put(learner, true);
    assertEquals(Optional.empty(), next(a, 50 * S), "dead for 29 s");
    Action remove = next(a, 51 * S).orElseThrow();
    assertEquals(new Action.Remove(doomed, remove.why()), remove);
  }

  @Test
  void aPlacedGroupMovesOneMemberAtATime() {
    // three old voters, three new learners the placement prefers: never more than four voters
    Autopilot a = new Autopilot(CONFIG, 3);
    NodeId leader = member(true, MemberState.ALIVE);
    NodeId o2 = member(true, MemberState.ALIVE);
    NodeId o3 = member(true, MemberState.ALIVE);
    List<NodeId> placed = List.of(member(false, MemberState.ALIVE), member(false, MemberState.ALIVE),
        member(false, MemberState.ALIVE));
    Optional<List<NodeId>> placement = Optional.of(placed);
    a.next(0, leader, cluster, roster(), adverts(), placement);
    long t = 20 * S;
    List<String> steps = new ArrayList<>();
    for (int i = 0; i < 20; i++, t += S) {
      Optional<Action> next = a.next(t, leader, cluster, roster(), adverts(), placement);
      if (next.isEmpty()) {
        break;
      }
      Action act = next.get();
      if (act instanceof Action.Promote) {
        voter.put(act.member(), true);
      } else if (act instanceof Action.Remove) {
        voter.remove(act.member());
      }
      long voters = voter.values().stream().filter(v -> v).count();
      assertTrue(voters <= 4, "more than one voter beyond the placement after " + steps + " " + act);
      steps.add(act.getClass().getSimpleName() + " " + ids.indexOf(act.member()));
    }
    assertEquals(List.of("Promote", "Remove", "Promote", "Remove", "Promote", "Remove"),
        steps.stream().map(x -> x.split(" ")[0]).toList(), steps.toString());
    assertEquals("Remove 0", steps.get(5), "the leader removes itself last: " + steps);
    assertTrue(voter.keySet().containsAll(placed) && voter.size() == 3, voter.toString());
    assertTrue(!voter.containsKey(o2) && !voter.containsKey(o3) && !voter.containsKey(leader));
  }

  @Test
  void cleanupNeverGoesBelowTheMinimumQuorumNorRemovesWhenTooManyAreDead() {
    Autopilot a = new Autopilot(CONFIG, 3);
    member(true, MemberState.ALIVE);
    member(true, MemberState.ALIVE);
    NodeId dead = member(true, MemberState.FAILED);
    next(a, 0);
    assertEquals(Optional.empty(), next(a, 100 * S), "3 voters: removing one would leave 2 < min quorum 3");

    Autopilot five = new Autopilot(CONFIG.withVoters(5, 3), 5);
    member(true, MemberState.FAILED);
    member(true, MemberState.FAILED);
    next(five, 0);
    // 3 of 5 voters dead: more than (5 - 1) / 2, the quorum is already lost; removing cannot help
    assertEquals(Optional.empty(), next(five, 100 * S));
    health.put(ids.get(4), MemberState.ALIVE);
    Optional<Action> one = next(five, 101 * S);
    assertInstanceOf(Action.Remove.class, one.orElseThrow(), "2 of 5 dead: one is removed");
    assertTrue(one.get().member().equals(dead) || one.get().member().equals(ids.get(3)));
  }

  @Test
  void deadLearnersGoFirstAndMissingMembersOfTheClusterAreAdded() {
    Autopilot a = new Autopilot(CONFIG, 3);
    member(true, MemberState.ALIVE);
    NodeId deadVoter = member(true, MemberState.FAILED);
    NodeId deadLearner = member(false, MemberState.LEFT);
    member(true, MemberState.ALIVE);
    member(true, MemberState.ALIVE);
    next(a, 0);
    assertEquals(new Action.Remove(deadLearner, ""), withoutWhy(next(a, 31 * S).orElseThrow()));
    voter.remove(deadLearner);
    health.remove(deadLearner);
    NodeId newcomer = member(false, MemberState.ALIVE);
    voter.remove(newcomer); // advertises the cluster, not in the configuration
    Action add = next(a, 32 * S).orElseThrow();
    assertEquals(new Action.AddLearner(newcomer, address(newcomer), ""), withoutWhy(add));
    voter.put(newcomer, false);
    assertEquals(new Action.Remove(deadVoter, ""), withoutWhy(next(a, 33 * S).orElseThrow()));
  }

  @Test
  void aMemberThatNowAdvertisesAnotherClusterCountsAsDead() {
    Autopilot a = new Autopilot(CONFIG, 3);
    member(true, MemberState.ALIVE);
    member(true, MemberState.ALIVE);
    member(true, MemberState.ALIVE);
    NodeId wiped = member(false, MemberState.ALIVE);
    ClusterId other = ClusterId.random(random);
    List<Seen> view = new ArrayList<>();
    for (Seen s : adverts()) {
      view.add(s.advert().member().equals(wiped)
          ? new Seen(Advert.fresh("g", wiped, address(wiped), true, 3).withCluster(other, false), MemberState.ALIVE) : s);
    }
    a.next(0, ids.get(0), cluster, roster(), view);
    Action r = a.next(31 * S, ids.get(0), cluster, roster(), view).orElseThrow();
    assertEquals(new Action.Remove(wiped, ""), withoutWhy(r));
  }

  private static Action withoutWhy(Action a) {
    if (a instanceof Action.Remove r) {
      return new Action.Remove(r.member(), "");
    }
    if (a instanceof Action.AddLearner l) {
      return new Action.AddLearner(l.member(), l.address(), "");
    }
    return new Action.Promote(a.member(), "");
  }
}
