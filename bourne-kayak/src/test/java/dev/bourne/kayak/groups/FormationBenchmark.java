package dev.bourne.kayak.groups;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Role;
import dev.bourne.net.Transport;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How long gossip-formed groups take, with the production presets (Convoy's LAN gossip, Kayak's and
 * autopilot's defaults: 10 s stabilization, 30 s dead-after): E voter candidates plus one learner
 * are started at once; the table gives the seconds from the last start to a committed
 * configuration of E voters with a leader, then (after the learner stabilized) from a voter's
 * crash to E alive voters again (the learner promoted) and to the dead voter's removal. On
 * loopback (real sockets and disks, one JVM) and in the simulator (the same code on a virtual
 * clock, 0.2-1 ms network), for E = 3, 5, 7; medians of the runs.
 *
 * <p>Run: {@code bin/run bourne-kayak dev.bourne.kayak.groups.FormationBenchmark [runs]} (default 2
 * loopback runs and 5 simulated ones per E; about 6 minutes, mostly waiting for the timeouts).
 */
public final class FormationBenchmark {
  private FormationBenchmark() {}

  /** Runs the benchmark and prints the table. */
  public static void main(String[] args) throws Exception {
    // before the first logger exists: the table, not the members' info logs
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    System.out.println("| E | where | form s | crash to E alive voters s | crash to removal s |");
    System.out.println("|---:|---|---:|---:|---:|");
    for (int e : new int[] {3, 5, 7}) {
      double[][] sim = new double[3][5];
      for (int i = 0; i < 5; i++) {
        GroupSimulation.Timing t = GroupSimulation.measure(100 + i, e);
        sim[0][i] = t.formSeconds();
        sim[1][i] = t.healSeconds();
        sim[2][i] = t.removeSeconds();
      }
      row(e, "simulator", sim);
      double[][] real = new double[3][runs];
      for (int i = 0; i < runs; i++) {
        double[] t = loopback(e);
        for (int k = 0; k < 3; k++) {
          real[k][i] = t[k];
        }
      }
      row(e, "loopback", real);
    }
  }

  private static void row(int e, String where, double[][] samples) {
    System.out.printf("| %d | %s | %.2f | %.1f | %.1f |%n", e, where, median(samples[0]), median(samples[1]),
        median(samples[2]));
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** One process's worth of parts. */
  private record Node(Transport transport, ConvoyHost convoy, KayakGroups groups, GroupHandle group) {
    void stop() {
      groups.close();
      convoy.shutdown();
      transport.close();
    }

    KayakHost host() {
      return group.host().orElse(null);
    }
  }

  private static double[] loopback(int expect) throws IOException {
    Path dir = Files.createTempDirectory("bourne-formation");
    List<Node> nodes = new ArrayList<>();
    try {
      long start = 0;
      for (int i = 0; i <= expect; i++) {
        Transport t = NettyTransport.start(TransportConfig.builder().bind(new HostPort("127.0.0.1", 0))
            .maxDatagramPayload(1400).maxFrameBytes(4 << 20).ioThreads(1).build());
        ConvoyConfig c = ConvoyConfig.lan().bind(t.localAddress()).build();
        ConvoyHost convoy = i == 0 ? Convoy.start(c, t) : Convoy.join(c, List.of(nodes.get(0).transport().localAddress()), t);
        KayakGroups groups = KayakGroups.on(convoy, t);
        start = System.nanoTime(); // the last start counts
        GroupHandle g = groups.join(GroupSpec.named("meta").expect(expect)
            .dataDir(dir.resolve("n" + i)));
        nodes.add(new Node(t, convoy, groups, g));
      }
      double form = secondsUntil(start, Duration.ofSeconds(120), () -> {
        KayakHost l = leader(nodes);
        return l != null && l.roster().stream().filter(Member::voter).count() == expect
            && l.log().committed() >= 1;
      });
      LockSupport.parkNanos(Duration.ofSeconds(15).toNanos()); // the learner becomes stable
      KayakHost leader = leader(nodes);
      Node victim = nodes.stream().filter(n -> n.host() != null && n.host() != leader && leader.roster().stream()
          .anyMatch(r -> r.id().equals(n.host().id()) && r.voter())).findFirst().orElseThrow();
      NodeId dead = victim.host().id();
      long crashAt = System.nanoTime();
      victim.stop();
      List<Node> live = nodes.stream().filter(n -> n != victim).toList();
      double heal = secondsUntil(crashAt, Duration.ofSeconds(180), () -> {
        KayakHost l = leader(live);
        return l != null && l.roster().stream().filter(r -> r.voter() && !r.id().equals(dead)).count() == expect;
      });
      double remove = secondsUntil(crashAt, Duration.ofSeconds(180), () -> {
        KayakHost l = leader(live);
        return l != null && l.roster().stream().noneMatch(r -> r.id().equals(dead));
      });
      return new double[] {form, heal, remove};
    } finally {
      for (Node n : nodes) {
        try {
          n.stop();
        } catch (RuntimeException stopped) {
          // the victim
        }
      }
    }
  }

  private static KayakHost leader(List<Node> nodes) {
    for (Node n : nodes) {
      KayakHost h = n.host();
      if (h != null && h.role() == Role.LEADER) {
        return h;
      }
    }
    return null;
  }

  private static double secondsUntil(long since, Duration limit, BooleanSupplier done) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not done within " + limit);
      }
      LockSupport.parkNanos(5_000_000); // polling every 5 ms bounds the measurement error
    }
    return (System.nanoTime() - since) / 1e9;
  }
}
