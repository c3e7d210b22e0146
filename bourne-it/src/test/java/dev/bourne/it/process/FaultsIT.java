package dev.bourne.it.process;

import dev.bourne.it.cluster.Campaign;
import dev.bourne.it.cluster.ClusterChecks;
import dev.bourne.it.cluster.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Three node processes on loopback under a seeded nemesis (SIGKILL and restart, SIGSTOP pauses of a
 * node, the leader's included) while clients on every node read, write, compare-and-set and delete
 * a few keys; every operation is recorded with its invocation, completion and outcome (a timeout or a
 * server error on a write is unknown: it may have happened), and after healing every node reads
 * every key. The whole history must be linearizable per key, which also proves no acknowledged
 * write was lost.
 *
 * <p>Faults here are those a loopback cluster allows (processes killed and frozen), so this runs
 * without a Docker engine; partitions and churn are the container tests'. {@code
 * -Dbourne.it.minutes=M} runs longer (default 30 s), {@code -Dbourne.it.seed=S} replays a nemesis
 * schedule.
 */
class FaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(120);

  @Test
  void historiesUnderKillsAndPausesAreLinearizable() throws Exception {
    long seed = Campaign.seed();
    long seconds = Campaign.seconds(30);
    String replay = "FaultsIT seed " + seed + " (replay: -Dbourne.it.seed=" + seed + ")";
    System.out.println(replay + ", " + seconds + " s");
    Random rnd = new Random(seed);
    try (ProcessCluster c = ProcessCluster.start("faults", 3, List.of("--request-timeout", "4s", "--snapshot-every", "200"))) {
      c.awaitReady(WAIT);
      Workload workload = new Workload(4, rnd.nextLong());
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      workload.start(c.nodes, 2, end);
      List<String> faults;
      try {
        faults = nemesis(c, rnd, end);
      } catch (Exception | Error e) {
        workload.stop();
        throw e;
      }
      workload.await(WAIT);
      // Heal: everyone runs, every node serves; then every node reads every key.
      for (NodeProcess n : c.nodes) {
        if (!n.alive()) {
          n.start(c.others(n));
        }
      }
      c.awaitReady(WAIT);
      workload.finalReads(c.nodes, WAIT);
      ClusterChecks.Summary summary = ClusterChecks.all(c.nodes, workload, WAIT, replay);
      System.out.printf("faults: %s%n%s%n", faults, summary);
    }
  }

  /** Kills and restarts, or pauses and resumes, one node at a time until {@code end}. */
  private static List<String> nemesis(ProcessCluster c, Random rnd, long end) throws Exception {
    List<String> done = new ArrayList<>();
    while (System.nanoTime() < end - 3_000_000_000L) {
      park(1000 + rnd.nextInt(2000));
      NodeProcess victim = c.node(rnd.nextInt(3));
      long millis = 1000 + rnd.nextInt(3000);
      if (rnd.nextBoolean()) {
        victim.kill();
        park(millis);
        victim.start(c.others(victim));
        done.add("kill " + victim.name + " " + millis + " ms");
      } else {
        victim.pause();
        park(millis);
        victim.resume();
        done.add("pause " + victim.name + " " + millis + " ms");
      }
    }
    return done;
  }

  private static void park(long millis) {
    java.util.concurrent.locks.LockSupport.parkNanos(millis * 1_000_000); // the nemesis's own schedule
  }
}
