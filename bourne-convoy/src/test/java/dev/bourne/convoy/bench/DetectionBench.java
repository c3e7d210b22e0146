package dev.bourne.convoy.bench;

import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.convoy.api.HealthEvent;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.sim.SimCluster;
import dev.bourne.convoy.sim.SimCluster.Node;
import dev.bourne.net.sim.Faults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Failure detection in the simulator with the LAN profile, over many seeds: how long from a crash
 * to the first suspicion, the first FAILED and the last member marking it FAILED; and how many live
 * members are wrongly suspected or failed under 10% loss and while one member answers late. The
 * table it prints is how detection changes were judged (kept only when better here).
 *
 * <p>Run: {@code bin/run bourne-convoy dev.bourne.convoy.bench.DetectionBench} (add {@code quick}
 * for fewer seeds).
 */
public final class DetectionBench {
  private DetectionBench() {}

  /** @param args {@code quick} for fewer seeds */
  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    boolean quick = args.length > 0 && args[0].equals("quick");
    int seeds = quick ? 8 : 30;
    System.out.println("| N | crashes | first suspicion (s) median / max | first FAILED (s) median / max "
        + "| all FAILED (s) median / max |");
    System.out.println("|---:|---:|---|---|---|");
    for (int n : new int[] {16, 64, 256}) {
      System.out.println(crashes(n, seeds, 0));
    }
    System.out.println(crashes(64, seeds, 2000));
    System.out.println();
    System.out.println("| N | scenario | runs | live members suspected (events) | live members failed |");
    System.out.println("|---:|---|---:|---:|---:|");
    System.out.println(falsePositives(32, seeds, "10% loss, 120 s", false));
    System.out.println(falsePositives(32, seeds, "one member +600 ms each way, 120 s", true));
    System.exit(0);
  }

  /**
   * @param writesPerSecond store writes per second across the group while the crash is detected
   *     (each by a random live member, a 32-byte value), or 0 for a quiet group
   */
  static String crashes(int n, int seeds, int writesPerSecond) {
    List<Double> suspect = new ArrayList<>();
    List<Double> first = new ArrayList<>();
    List<Double> all = new ArrayList<>();
    for (int s = 0; s < seeds; s++) {
      SimCluster c = formed(n, 1000L * n + s);
      Node victim = c.nodes().get(1 + s % (n - 1));
      long[] at = {-1, -1};
      c.onEvent(e -> {
        if (e.event() instanceof HealthEvent h && h.member().id().equals(victim.id())) {
          if (at[0] < 0 && h.health() == MemberState.SUSPECT) {
            at[0] = e.nanos();
          }
          if (at[1] < 0 && h.health() == MemberState.FAILED) {
            at[1] = e.nanos();
          }
        }
      });
      java.util.Random writes = new java.util.Random(s);
      long t0 = c.now();
      c.crash(victim);
      Duration step = Duration.ofMillis(20);
      double perStep = writesPerSecond * step.toNanos() / 1e9;
      double owed = 0;
      long deadline = c.now() + Duration.ofSeconds(120).toNanos();
      boolean done = false;
      while (!done && c.now() < deadline) {
        for (owed += perStep; owed >= 1; owed--) {
          List<Node> live = c.live();
          Node w = live.get(writes.nextInt(live.size()));
          String key = "k" + writes.nextInt(8);
          w.host().store().putAsync(key, "v".repeat(32), w.host().store().get(key).version());
        }
        c.advance(step);
        done = c.live().stream().allMatch(x -> x.stateOf(victim.id()) == MemberState.FAILED);
      }
      if (!done) {
        throw new IllegalStateException("crash not detected by all in 120 s, N=" + n + " seed " + (1000L * n + s));
      }
      suspect.add((at[0] - t0) / 1e9);
      first.add((at[1] - t0) / 1e9);
      all.add((c.now() - t0) / 1e9);
    }
    String label = writesPerSecond == 0 ? String.valueOf(n) : n + ", " + writesPerSecond + " writes/s";
    return String.format(Locale.ROOT, "| %s | %d | %s | %s | %s |", label, seeds, stats(suspect), stats(first), stats(all));
  }

  static String falsePositives(int n, int seeds, String label, boolean slow) {
    long suspected = 0;
    long failed = 0;
    for (int s = 0; s < seeds; s++) {
      SimCluster c = formed(n, 77_000L + s);
      long[] counts = {0, 0};
      c.onEvent(e -> {
        if (e.event() instanceof HealthEvent h) {
          if (h.health() == MemberState.SUSPECT) {
            counts[0]++;
          } else if (h.health() == MemberState.FAILED) {
            counts[1]++;
          }
        }
      });
      if (slow) {
        c.network().setSlow(c.nodes().get(1 + s % (n - 1)).address(), Duration.ofMillis(600));
      } else {
        c.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)).withDropRate(0.10));
      }
      c.advance(Duration.ofSeconds(120));
      suspected += counts[0];
      failed += counts[1];
    }
    return String.format(Locale.ROOT, "| %d | %s | %d | %d | %d |", n, label, seeds, suspected, failed);
  }

  private static SimCluster formed(int n, long seed) {
    SimCluster c = new SimCluster(seed, GossipConfig.lan());
    c.setTracing(false);
    c.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
    c.bootstrap(n);
    c.advance(Duration.ofSeconds(10));
    return c;
  }

  private static String stats(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    sorted.sort(null);
    return String.format(Locale.ROOT, "%.2f / %.2f", sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
  }
}
