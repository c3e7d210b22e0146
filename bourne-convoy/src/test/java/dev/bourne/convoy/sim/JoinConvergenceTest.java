package dev.bourne.convoy.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.convoy.sim.SimCluster.Node;
import dev.bourne.net.sim.Faults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Joins converge within a few protocol periods, whatever the group's size and however the members
 * arrive: one after another through random members, all at once through one seed, or in waves.
 * Periodic anti-entropy is set to an hour here, so that it cannot be what repairs a view: a joiner
 * learns the directory from its join exchange, its arrival spreads by gossip (the seed's and its
 * own), merged news is gossiped on, and the joiner's digest exchanges in its first protocol
 * periods catch the members that arrived at the same time. Before these, 93 members joining at
 * once had not converged after 12 s (an hour of push-pull interval), 512 took 16 s.
 */
class JoinConvergenceTest {
  /** The LAN profile (200 ms gossip rounds, 1 s probes) without periodic anti-entropy. */
  static final GossipConfig LAN = GossipConfig.lan().toBuilder().pushPullInterval(Duration.ofHours(1)).build();
  static final Duration STEP = Duration.ofMillis(20);

  /** How the members arrive. */
  enum Arrival { ONE_AFTER_ANOTHER, ALL_AT_ONCE, WAVES }

  /**
   * Starts one member, has {@code n - 1} more join as {@code arrival} says, and returns how long after
   * the last join started every member saw every other alive (or null if not within {@code limit}).
   */
  static Duration converge(long seed, int n, Arrival arrival, Duration limit) {
    SimCluster c = new SimCluster(seed, LAN);
    c.setTracing(false);
    c.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
    Random r = new Random(seed ^ 0x9E3779B97F4A7C15L);
    Node first = c.add();
    switch (arrival) {
      case ONE_AFTER_ANOTHER -> {
        for (int i = 1; i < n; i++) {
          List<Node> live = c.live();
          c.addAndJoin(live.get(r.nextInt(live.size())));
          c.advance(Duration.ofMillis(20 + r.nextInt(200)));
        }
      }
      case ALL_AT_ONCE -> {
        for (int i = 1; i < n; i++) {
          c.addAndJoin(first);
        }
      }
      case WAVES -> {
        int joined = 1;
        while (joined < n) {
          int wave = Math.min(n - joined, 5 + r.nextInt(Math.max(6, n / 4)));
          List<Node> live = new ArrayList<>(c.live());
          for (int i = 0; i < wave; i++) {
            c.addAndJoin(live.get(r.nextInt(live.size())));
          }
          joined += wave;
          c.advance(Duration.ofMillis(500 + r.nextInt(1000)));
        }
      }
    }
    long start = c.now();
    if (Boolean.getBoolean("bourne.sim.diagnose")) {
      c.runUntil(c::converged, Duration.ofSeconds(2), STEP);
      diagnose(c, n);
    }
    if (!c.runUntil(c::converged, limit, STEP)) {
      return null;
    }
    return Duration.ofNanos(c.now() - start);
  }

  static void diagnose(SimCluster c, int n) {
      {
        List<Node> live = c.live();
        int incomplete = 0;
        java.util.Map<Integer, Integer> missingCount = new java.util.TreeMap<>();
        for (Node a : live) {
          int miss = 0;
          for (int j = 0; j < live.size(); j++) {
            if (a.stateOf(live.get(j).id()) != dev.bourne.convoy.api.MemberState.ALIVE) {
              miss++;
              missingCount.merge(j, 1, Integer::sum);
            }
          }
          if (miss > 0) {
            incomplete++;
          }
        }
        System.out.println("DIAG n=" + n + " at " + Duration.ofNanos(c.now()) + " incomplete views: " + incomplete + "; missing member (join index -> how many miss it): " + missingCount);
      }
  }

  private static void property(int seeds, int minN, int maxN, Arrival arrival, Duration bound) {
    List<Duration> all = new ArrayList<>();
    Seeds.forEach(seeds, seed -> {
      int n = minN + (int) Math.floorMod(seed * 31, maxN - minN + 1);
      Duration took = converge(seed, n, arrival, bound.multipliedBy(4));
      assertTrue(took != null && took.compareTo(bound) <= 0, n + " members joining " + arrival + " converged after "
          + took + " (null: not within " + bound.multipliedBy(4) + "), bound " + bound);
      all.add(took);
    });
    all.sort(null);
    System.out.printf("joins %s, %d-%d members, %d seeds: median %s, max %s (bound %s)%n", arrival, minN, maxN,
        all.size(), all.get(all.size() / 2), all.get(all.size() - 1), bound);
  }

  /** The stated bound: 4 protocol periods (20 gossip rounds) after the last join starts. */
  static final Duration BOUND = LAN.probeInterval().multipliedBy(4);

  @Test
  void membersJoiningOneAfterAnotherConverge() {
    property(20, 8, 128, Arrival.ONE_AFTER_ANOTHER, BOUND);
  }

  @Test
  void membersJoiningAllAtOnceConverge() {
    property(20, 8, 128, Arrival.ALL_AT_ONCE, BOUND);
  }

  @Test
  void membersJoiningInWavesConverge() {
    property(20, 16, 128, Arrival.WAVES, BOUND);
  }

  @Test
  void fiveHundredMembersJoiningAllAtOnceOrInWavesConverge() {
    property(2, 512, 512, Arrival.ALL_AT_ONCE, BOUND);
    property(2, 512, 512, Arrival.WAVES, BOUND);
  }
}
