package dev.bourne.kayak.groups.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.kayak.api.ClusterId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Bootstrap-expect as a pure function: the rules case by case, then a seeded model of many
 * members with stale, partial and wrong views of each other, in which no two members may ever
 * bootstrap the same group (with fewer than 2E candidates, which the rules' argument covers).
 */
class FormationTest {
  private static final String G = "meta";

  private static Advert fresh(NodeId id, int port, int expect) {
    return Advert.fresh(G, id, new HostPort("127.0.0.1", port), true, expect);
  }

  private static List<NodeId> ids(int n, long seed) {
    Random r = new Random(seed);
    List<NodeId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(NodeId.random(r));
    }
    ids.sort(null);
    return ids;
  }

  private static Seen alive(Advert a) {
    return new Seen(a, MemberState.ALIVE);
  }

  @Test
  void waitsForExpectCandidatesThenOnlyTheLowestBootstrapsOnceAllPropose() {
    List<NodeId> id = ids(3, 1);
    List<Advert> ads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ads.add(fresh(id.get(i), 7000 + i, 3));
    }
    // two known: wait
    Decision d = Formation.decide(ads.get(0), List.of(alive(ads.get(1))));
    assertTrue(((Decision.Wait) d).why().contains("2 of 3"), d.toString());
    assertEquals(Optional.empty(), Formation.proposal(ads.get(0), List.of(alive(ads.get(1)))));
    // three known, nobody proposed yet: wait for agreement
    List<Seen> all = ads.stream().map(FormationTest::alive).toList();
    assertInstanceOf(Decision.Wait.class, Formation.decide(ads.get(0), all));
    String digest = Formation.proposal(ads.get(0), all).orElseThrow();
    for (int i = 0; i < 3; i++) {
      assertEquals(digest, Formation.proposal(ads.get(i), all).orElseThrow(), "every member proposes the same set");
      ads.set(i, ads.get(i).withProposal(Optional.of(digest)));
    }
    List<Seen> agreed = ads.stream().map(FormationTest::alive).toList();
    Decision.Bootstrap b = (Decision.Bootstrap) Formation.decide(ads.get(0), agreed);
    assertEquals(new java.util.TreeSet<>(id), b.voters().keySet());
    assertEquals(new HostPort("127.0.0.1", 7002), b.voters().get(id.get(2)));
    for (int i = 1; i < 3; i++) {
      Decision other = Formation.decide(ads.get(i), agreed);
      assertTrue(((Decision.Wait) other).why().contains(id.get(0).shortString()), other.toString());
    }
  }

  @Test
  void aVoterOfTheSetThatIsNotAliveHoldsFormation() {
    List<NodeId> id = ids(3, 2);
    List<Advert> ads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ads.add(fresh(id.get(i), 7000 + i, 3));
    }
    List<Seen> all = ads.stream().map(FormationTest::alive).toList();
    String digest = Formation.proposal(ads.get(0), all).orElseThrow();
    ads.replaceAll(a -> a.withProposal(Optional.of(digest)));
    List<Seen> view = List.of(alive(ads.get(0)), alive(ads.get(1)), new Seen(ads.get(2), MemberState.SUSPECT));
    Decision d = Formation.decide(ads.get(0), view);
    assertTrue(((Decision.Wait) d).why().contains("SUSPECT"), d.toString());
  }

  @Test
  void differentExpectationsAreAConflictOnEveryMember() {
    List<NodeId> id = ids(3, 3);
    Advert a = fresh(id.get(0), 1, 3);
    Advert b = fresh(id.get(1), 2, 5);
    Advert c = fresh(id.get(2), 3, 3);
    List<Seen> view = List.of(alive(a), alive(b), alive(c));
    for (Advert self : List.of(a, b, c)) {
      Decision d = Formation.decide(self, view);
      Decision.Conflict conflict = assertInstanceOf(Decision.Conflict.class, d, self.member().toString());
      assertTrue(conflict.why().contains("expects"), conflict.why());
    }
  }

  @Test
  void aMemberWithStateIsJoinedNeverBootstrappedOver() {
    // hashicorp/raft #122: a survivor of an old cluster and E fresh members
    List<NodeId> id = ids(4, 4);
    ClusterId old = ClusterId.random(new Random(4));
    Advert survivor = fresh(id.get(3), 9, 3).withCluster(old, true);
    List<Seen> view = new ArrayList<>(List.of(new Seen(survivor, MemberState.FAILED)));
    for (int i = 0; i < 3; i++) {
      view.add(alive(fresh(id.get(i), i, 3)));
    }
    for (int i = 0; i < 3; i++) {
      Decision.Join j = assertInstanceOf(Decision.Join.class, Formation.decide(fresh(id.get(i), i, 3), view));
      assertEquals(old, j.cluster());
      assertEquals(List.of(survivor.address()), j.through());
      assertEquals(Optional.empty(), Formation.proposal(fresh(id.get(i), i, 3), view));
    }
    ClusterId other = ClusterId.random(new Random(5));
    view.add(alive(fresh(NodeId.random(new Random(6)), 10, 3).withCluster(other, true)));
    assertInstanceOf(Decision.Conflict.class, Formation.decide(fresh(id.get(0), 0, 3), view));
    assertThrows(IllegalArgumentException.class, () -> Formation.decide(survivor, view));
  }

  @Test
  void aLearnerOnlyEverJoins() {
    List<NodeId> id = ids(2, 7);
    Advert learner = Advert.fresh(G, id.get(0), new HostPort("127.0.0.1", 1), false, 1);
    assertInstanceOf(Decision.Wait.class, Formation.decide(learner, List.of()));
    assertEquals(Optional.empty(), Formation.proposal(learner, List.of()));
  }

  @Test
  void advertsSurviveTheirTextFormAndBadTextIsRefused() {
    List<NodeId> id = ids(2, 8);
    Advert a = fresh(id.get(0), 7001, 5).withProposal(Optional.of("00ff"));
    assertEquals(a, Advert.decode(a.encode()));
    Advert b = a.withCluster(ClusterId.random(new Random(1)), true)
        .withRole(dev.bourne.kayak.api.Role.LEADER, 7, Optional.of(id.get(1)), Optional.of(true));
    assertEquals(b, Advert.decode(b.encode()));
    assertTrue(b.encode().length() < 400, b.encode());
    assertThrows(IllegalArgumentException.class, () -> Advert.decode("v2;group=meta"));
    assertThrows(IllegalArgumentException.class, () -> Advert.decode(a.encode().replace("expect=5", "expect=x")));
    assertThrows(IllegalArgumentException.class, () -> Advert.decode(a.encode().replace("voter=1", "voter=2")));
    assertThrows(IllegalArgumentException.class, () -> Advert.decode(a.encode() + ";expect=3"));
    assertThrows(IllegalArgumentException.class, () -> Advert.checkName("Meta"));
    assertThrows(IllegalArgumentException.class, () -> Advert.checkName(""));
  }

  /**
   * The model: N members (fewer than 2E) learn of each other in random order, see each other's
   * adverts arbitrarily late (a version at most as new as the latest), see health at random, and
   * act on what they see. However the seeds fall, at most one member bootstraps, with exactly E
   * voters; once views are complete and fresh, the group forms and every member joins it.
   */
  @Test
  void noTwoMembersEverBootstrapOneGroup() {
    int bootstraps = 0;
    for (long seed = 0; seed < 3000; seed++) {
      bootstraps += runModel(seed);
    }
    assertTrue(bootstraps > 1500, "the model formed too few groups to mean much: " + bootstraps);
  }

  private static final class Model {
    final Advert[] latest;
    final List<List<Advert>> history = new ArrayList<>();
    final int[][] seenVersion;
    final boolean[][] knows;

    Model(List<Advert> ads) {
      int n = ads.size();
      latest = ads.toArray(new Advert[0]);
      for (Advert a : ads) {
        history.add(new ArrayList<>(List.of(a)));
      }
      seenVersion = new int[n][n];
      knows = new boolean[n][n];
      for (int i = 0; i < n; i++) {
        knows[i][i] = true;
      }
    }

    void publish(int i, Advert a) {
      latest[i] = a;
      history.get(i).add(a);
    }

    List<Seen> view(int i, Random r, boolean fresh) {
      List<Seen> out = new ArrayList<>();
      for (int j = 0; j < latest.length; j++) {
        if (j == i || !knows[i][j]) {
          continue;
        }
        List<Advert> h = history.get(j);
        if (fresh) {
          seenVersion[i][j] = h.size() - 1;
        } else if (r.nextInt(3) == 0) {
          seenVersion[i][j] = seenVersion[i][j] + r.nextInt(h.size() - seenVersion[i][j]);
        }
        MemberState health = fresh || r.nextInt(4) != 0 ? MemberState.ALIVE
            : List.of(MemberState.SUSPECT, MemberState.FAILED).get(r.nextInt(2));
        out.add(new Seen(h.get(seenVersion[i][j]), health));
      }
      out.add(new Seen(latest[i], MemberState.ALIVE));
      return out;
    }
  }

  private static int runModel(long seed) {
    Random r = new Random(seed);
    int expect = 1 + r.nextInt(7);
    int n = 1 + r.nextInt(2 * expect - 1); // fewer than 2E candidates
    List<NodeId> id = ids(n, seed * 31 + 7);
    List<Advert> ads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ads.add(fresh(id.get(i), 7000 + i, expect));
    }
    Model m = new Model(ads);
    Set<ClusterId> clusters = new HashSet<>();
    TreeMap<ClusterId, Integer> sizes = new TreeMap<>(java.util.Comparator.comparing(ClusterId::toString));
    int steps = 200 + r.nextInt(400);
    for (int step = 0; step < steps + 50 * n; step++) {
      boolean settled = step >= steps; // the last rounds: complete, fresh views
      int i = r.nextInt(n);
      if (!settled && r.nextInt(3) == 0) {
        m.knows[i][r.nextInt(n)] = true;
        continue;
      }
      if (settled) {
        java.util.Arrays.fill(m.knows[i], true);
      }
      Advert self = m.latest[i];
      if (self.cluster().isPresent()) {
        continue;
      }
      List<Seen> view = m.view(i, r, settled);
      Optional<String> p = Formation.proposal(self, view);
      if (!p.equals(self.proposal())) {
        m.publish(i, self.withProposal(p));
        continue;
      }
      Decision d = Formation.decide(self, view);
      if (d instanceof Decision.Bootstrap b) {
        ClusterId c = ClusterId.random(r);
        clusters.add(c);
        sizes.put(c, b.voters().size());
        assertEquals(expect, b.voters().size(), "seed " + seed);
        assertTrue(b.voters().containsKey(self.member()), "seed " + seed);
        m.publish(i, self.withCluster(c, true));
      } else if (d instanceof Decision.Join j) {
        m.publish(i, self.withCluster(j.cluster(), false));
      }
      assertTrue(clusters.size() <= 1, "seed " + seed + ": two members bootstrapped the group: " + clusters);
    }
    if (n >= expect) {
      assertEquals(1, clusters.size(), "seed " + seed + ": with complete views the group must form");
      for (Advert a : m.latest) {
        assertEquals(clusters.iterator().next(), a.cluster().orElse(null), "seed " + seed + ": every member joins");
      }
    } else {
      assertTrue(clusters.isEmpty(), "seed " + seed + ": formed with fewer than expect candidates");
    }
    return clusters.size();
  }
}
