package dev.bourne.it.container;

import dev.bourne.it.cluster.Campaign;
import dev.bourne.it.cluster.ClusterChecks;
import dev.bourne.it.cluster.Workload;
import dev.bourne.it.container.ContainerNemesis.Fault;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Node containers under a seeded nemesis of partitions (random halves, the leader isolated, a
 * majority ring, one-way), pauses, kills and restarts, and combinations, while clients on every
 * node read, write, compare-and-set and delete a few keys. After healing: every node reads every
 * key, and the history must be linearizable per key (so no acknowledged write was lost), every
 * group's committed log the same on every node, and every directory the same live set.
 *
 * <p>{@code -Dbourne.it.minutes=M} runs each scenario's nemesis for M minutes (defaults: 1 minute
 * with 3 nodes, 1.5 with 5); {@code -Dbourne.it.seed=S} replays a schedule (the test prints its
 * seed).
 */
class ContainerFaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final List<String> FLAGS = List.of("--request-timeout", "4s", "--snapshot-every", "500");

  @Test
  void threeNodesUnderPartitionsPausesAndKills() throws Exception {
    campaign("faults-3", 3, EnumSet.complementOf(EnumSet.of(Fault.MAJORITY_RING)), 60);
  }

  @Test
  void fiveNodesUnderEveryFault() throws Exception {
    campaign("faults-5", 5, EnumSet.allOf(Fault.class), 90);
  }

  private static void campaign(String name, int n, EnumSet<Fault> faults, long defaultSeconds) throws Exception {
    long seed = Campaign.seed();
    long seconds = Campaign.seconds(defaultSeconds);
    String replay = name + " seed " + seed + " (replay: -Dbourne.it.seed=" + seed + ")";
    System.out.println(replay + ", " + seconds + " s of faults " + faults);
    Random rnd = new Random(seed);
    try (ContainerCluster c = ContainerCluster.start(name, n, FLAGS)) {
      c.awaitReady(WAIT);
      List<NodeContainer> nodes = c.running();
      Workload workload = new Workload(4, rnd.nextLong());
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      workload.start(nodes, 2, end);
      ContainerNemesis nemesis = new ContainerNemesis(c, rnd, List.copyOf(faults));
      List<String> done;
      try {
        done = nemesis.run(end);
      } catch (Exception | Error e) {
        workload.stop();
        throw e;
      } finally {
        nemesis.healAll();
      }
      workload.await(WAIT);
      c.awaitReady(WAIT);
      workload.finalReads(nodes, WAIT);
      ClusterChecks.Summary summary = ClusterChecks.all(nodes, workload, WAIT, replay);
      System.out.printf("%s: %d nodes, faults %s%n%s%n%s%n", replay, n, nemesis.counts(), String.join("\n", done),
          summary);
    }
  }
}
