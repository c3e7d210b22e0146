package dev.bourne.convoy.bench;

import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Real members on 127.0.0.1 (NettyTransport), LOCAL timings (200 ms probes, 50 ms gossip). */
final class LoopbackBench {
  private LoopbackBench() {}

  static BenchResult run(int n, int factor) {
    GossipConfig protocol = GossipConfig.local().toBuilder().retransmitFactor(factor).build();
    ConvoyConfig config = ConvoyConfig.local().protocol(protocol).build();
    List<ConvoyHost> hosts = new ArrayList<>();
    List<CountingTransport> transports = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        CountingTransport t = new CountingTransport(NettyTransport.start(TransportConfig.builder()
            .bind(new HostPort("127.0.0.1", 0)).maxDatagramPayload(protocol.maxPacketBytes()).ioThreads(1).build()));
        transports.add(t);
        hosts.add(i == 0 ? Convoy.start(config, t) : Convoy.join(config, List.of(hosts.get(0).address()), t));
      }
      await(Duration.ofSeconds(60), () -> hosts.stream().allMatch(h -> h.directory().all().size() == n
          && h.directory().all().stream().allMatch(m -> m.state() == MemberState.ALIVE)));
      long m0 = sum(transports, true);
      long b0 = sum(transports, false);
      long t0 = System.nanoTime();
      ConvoyHost writer = hosts.get(0);
      writer.store().put("bench", "value", 0);
      boolean spread = await(Duration.ofSeconds(30), () -> hosts.stream()
          .allMatch(h -> h.directory().value(writer.id(), "bench").isPresent()));
      double spreadS = spread ? (System.nanoTime() - t0) / 1e9 : Double.NaN;

      ConvoyHost victim = hosts.get(n / 2);
      List<ConvoyHost> rest = new ArrayList<>(hosts);
      rest.remove(victim);
      AtomicLong firstSuspect = new AtomicLong(-1);
      for (ConvoyHost h : rest) {
        h.directory().onHealth(e -> {
          if (e.member().id().equals(victim.id()) && e.health() != MemberState.ALIVE) {
            firstSuspect.compareAndSet(-1, System.nanoTime());
          }
        });
      }
      long tc = System.nanoTime();
      victim.shutdown();
      transports.get(n / 2).close();
      boolean failed = await(Duration.ofSeconds(60), () -> rest.stream().allMatch(h ->
          h.directory().get(victim.id()).map(m -> m.state() == MemberState.FAILED).orElse(false)));
      double failedS = failed ? (System.nanoTime() - tc) / 1e9 : Double.NaN;
      double suspectS = firstSuspect.get() < 0 ? Double.NaN : (firstSuspect.get() - tc) / 1e9;
      double periods = (System.nanoTime() - t0) / (double) protocol.gossipInterval().toNanos();
      double msgs = (sum(transports, true) - m0) / (double) n / periods;
      double bytes = (sum(transports, false) - b0) / (double) n / periods;
      return new BenchResult("loopback", n, factor, spreadS / (protocol.gossipInterval().toNanos() / 1e9), spreadS,
          suspectS, failedS, msgs, bytes);
    } finally {
      for (ConvoyHost h : hosts) {
        h.shutdown();
      }
      for (CountingTransport t : transports) {
        t.close();
      }
    }
  }

  private static long sum(List<CountingTransport> ts, boolean messages) {
    long s = 0;
    for (CountingTransport t : ts) {
      s += messages ? t.messages.get() : t.bytes.get();
    }
    return s;
  }

  private static boolean await(Duration limit, BooleanSupplier done) {
    long end = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        return false;
      }
      LockSupport.parkNanos(1_000_000);
    }
    return true;
  }
}
