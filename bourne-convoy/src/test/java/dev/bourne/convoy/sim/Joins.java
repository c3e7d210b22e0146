package dev.bourne.convoy.sim;

import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.convoy.sim.SimCluster.Node;
import dev.bourne.net.sim.Faults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Simulated groups formed by joins in a given pattern, timed until every member sees every other alive. */
public final class Joins {
  private Joins() {}

  /** How the members arrive. */
  public enum Arrival {
    /** One at a time, 20-220 ms apart, each through a random member already in. */
    ONE_AFTER_ANOTHER,
    /** All at the same instant, through one seed. */
    ALL_AT_ONCE,
    /** Waves of 5 to N/4 members at once, 0.5-1.5 s apart, each through a random member already in. */
    WAVES
  }

  /**
   * Starts one member, has {@code n - 1} more join as {@code arrival} says (1-5 ms of network
   * delay), and returns how long after the last join started every member saw every other alive,
   * or null if that did not happen within {@code limit}.
   */
  public static Duration converge(long seed, int n, Arrival arrival, GossipConfig config, Duration limit) {
    SimCluster c = new SimCluster(seed, config);
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
    if (!c.runUntil(c::converged, limit, Duration.ofMillis(20))) {
      return null;
    }
    return Duration.ofNanos(c.now() - start);
  }
}
