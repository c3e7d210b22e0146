package dev.bourne.convoy.bench;

import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.sim.Joins;
import dev.bourne.convoy.sim.SimCluster;
import dev.bourne.net.sim.Faults;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Join convergence (members one after another, and all at once through one seed) and the quiet
 * cost of membership split by kind, with the LAN profile: in the simulator, and with real members
 * on loopback.
 */
final class JoinBench {
  private static final GossipConfig LAN = GossipConfig.lan();

  private JoinBench() {}

  static String header() {
    return "| env | N | s to converge, one after another | s to converge, all at once | quiet bytes/member/period:"
        + " probes | gossip | anti-entropy | total |\n|---|---:|---:|---:|---:|---:|---:|---:|";
  }

  /** The largest group whose joins the simulator times (above it, one thread running every member's view updates takes too long). */
  static final int MAX_SIMULATED_JOINS = 512;

  /** One row for the simulator. */
  static String sim(int n, long seed) {
    boolean joins = n <= MAX_SIMULATED_JOINS;
    Duration one = joins ? Joins.converge(seed, n, Joins.Arrival.ONE_AFTER_ANOTHER, LAN, Duration.ofSeconds(120)) : null;
    Duration all = joins ? Joins.converge(seed + 1, n, Joins.Arrival.ALL_AT_ONCE, LAN, Duration.ofSeconds(120)) : null;
    Map<String, Long> quiet = quietBytes(n, seed + 2);
    double periods = QUIET.toNanos() / (double) LAN.probeInterval().toNanos() * n;
    long probes = quiet.getOrDefault("probe", 0L);
    long gossip = quiet.getOrDefault("gossip", 0L);
    long ae = quiet.getOrDefault("anti-entropy", 0L);
    return String.format(Locale.ROOT, "| sim | %d | %s | %s | %.0f | %.0f | %.0f | %.0f |", n,
        joins ? seconds(one) : "not run", joins ? seconds(all) : "not run",
        probes / periods, gossip / periods, ae / periods, (probes + gossip + ae) / periods);
  }

  private static final Duration QUIET = Duration.ofSeconds(120);

  /** Bytes sent by kind over two quiet minutes of a formed group (after its first minute). */
  private static Map<String, Long> quietBytes(int n, long seed) {
    SimCluster c = new SimCluster(seed, LAN);
    c.setTracing(false);
    c.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
    c.bootstrap(n);
    c.advance(Duration.ofSeconds(60));
    c.countByKind(true);
    c.advance(QUIET);
    return c.bytesByKind();
  }

  /** One row for real members on loopback (no byte split: the real transport does not classify). */
  static String loopback(int n) throws Exception {
    return String.format(Locale.ROOT, "| loopback | %d | %s | %s | | | | |", n, seconds(realJoins(n, false)),
        seconds(realJoins(n, true)));
  }

  private static Duration realJoins(int n, boolean atOnce) throws Exception {
    ConvoyConfig config = ConvoyConfig.lan().build();
    List<ConvoyHost> hosts = new ArrayList<>();
    List<NettyTransport> transports = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        NettyTransport t = NettyTransport.start(TransportConfig.builder().bind(new HostPort("127.0.0.1", 0))
            .maxDatagramPayload(LAN.maxPacketBytes()).ioThreads(1).build());
        transports.add(t);
        hosts.add(Convoy.start(config, t));
      }
      List<CompletableFuture<Void>> joins = new ArrayList<>();
      long last = System.nanoTime();
      for (ConvoyHost h : hosts.subList(1, n)) {
        last = System.nanoTime();
        CompletableFuture<Void> j = h.joinAsync(List.of(hosts.get(0).address()));
        joins.add(j);
        if (!atOnce) {
          j.get(); // one after another: each joins once the one before it has
        }
      }
      long start = last;
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline) {
        if (hosts.stream().allMatch(h -> h.directory().all().stream().filter(m -> m.state() == MemberState.ALIVE)
            .count() == n)) {
          return Duration.ofNanos(System.nanoTime() - start);
        }
        LockSupport.parkNanos(10_000_000); // polls real members; the benchmark has no virtual clock
      }
      return null;
    } finally {
      hosts.forEach(ConvoyHost::shutdown);
      transports.forEach(NettyTransport::close);
    }
  }

  private static String seconds(Duration d) {
    return d == null ? "> 120" : String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e9);
  }
}
