package dev.bourne.convoy.bench;

import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.convoy.api.HealthEvent;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.sim.SimCluster;
import dev.bourne.convoy.sim.SimCluster.Node;
import dev.bourne.net.sim.Faults;
import java.time.Duration;

/** Dissemination and detection in the simulator (LAN timings, 1-5 ms network delay, no loss). */
final class SimBench {
  private SimBench() {}

  static BenchResult run(int n, int factor, long seed) {
    GossipConfig config = GossipConfig.lan().toBuilder().retransmitFactor(factor).build();
    SimCluster c = new SimCluster(seed, config);
    c.setTracing(false);
    c.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
    c.bootstrap(n);
    c.advance(Duration.ofSeconds(10)); // let the start-up announcements drain
    long m0 = c.messages();
    long b0 = c.bytes();
    long t0 = c.now();
    Node writer = c.nodes().get(0);
    c.await(writer.host().store().putAsync("bench", "value", 0));
    boolean spread = c.runUntil(() -> c.nodes().stream()
        .allMatch(x -> x.itemOf(writer.id(), "bench").version() > 0), Duration.ofSeconds(120), Duration.ofMillis(10));
    double spreadS = spread ? (c.now() - t0) / 1e9 : Double.NaN;

    Node victim = c.nodes().get(n / 2);
    long[] firstSuspect = {-1};
    c.onEvent(e -> {
      if (firstSuspect[0] < 0 && e.event() instanceof HealthEvent h
          && h.member().id().equals(victim.id()) && h.health() == MemberState.SUSPECT) {
        firstSuspect[0] = e.nanos();
      }
    });
    long tc = c.now();
    c.crash(victim);
    boolean failed = c.runUntil(() -> c.live().stream()
        .allMatch(x -> x.stateOf(victim.id()) == MemberState.FAILED), Duration.ofSeconds(300), Duration.ofMillis(50));
    double failedS = failed ? (c.now() - tc) / 1e9 : Double.NaN;
    double suspectS = firstSuspect[0] < 0 ? Double.NaN : (firstSuspect[0] - tc) / 1e9;
    double periods = (c.now() - t0) / (double) config.gossipInterval().toNanos();
    double msgs = (c.messages() - m0) / (double) n / periods;
    double bytes = (c.bytes() - b0) / (double) n / periods;
    return new BenchResult("sim", n, factor, spreadS / (config.gossipInterval().toNanos() / 1e9), spreadS,
        suspectS, failedS, msgs, bytes);
  }
}
