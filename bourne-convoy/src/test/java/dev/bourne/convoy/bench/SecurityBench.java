package dev.bourne.convoy.bench;

import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.convoy.api.GossipKey;
import dev.bourne.convoy.api.GossipSecurity;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.sim.SimCluster;
import dev.bourne.convoy.wire.PacketSeal;
import dev.bourne.net.sim.Faults;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * What gossip encryption costs: sealing and opening one message (AES-256-GCM, against the
 * plaintext envelope), bytes per member per second of a quiet simulated group, and CPU per member
 * per second of real members on loopback, each with and without encryption in the same run.
 *
 * <p>Run: {@code bin/run bourne-convoy dev.bourne.convoy.bench.SecurityBench} (about 2 minutes).
 */
public final class SecurityBench {
  private SecurityBench() {}

  /** No arguments. */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    GossipKey key = GossipKey.generate(new SecureRandom());
    System.out.println("| message | plaintext envelope + open (ns) | AES-256-GCM seal + open (ns) |");
    System.out.println("|---:|---:|---:|");
    for (int size : new int[] {64, 512, 1400}) {
      System.out.println(micro(size, key));
    }
    System.out.println();
    System.out.println("| env | N | mode | bytes/member/s | CPU ms/member/s |");
    System.out.println("|---|---:|---|---:|---:|");
    for (boolean encrypted : new boolean[] {false, true}) {
      System.out.println(sim(64, encrypted ? GossipSecurity.encrypted("bench", key) : GossipSecurity.named("bench")));
    }
    for (boolean encrypted : new boolean[] {false, true}) {
      System.out.println(loopback(16, encrypted ? GossipSecurity.encrypted("bench", key) : GossipSecurity.named("bench")));
    }
    System.exit(0);
  }

  static String micro(int size, GossipKey key) {
    PacketSeal seal = new PacketSeal("bench");
    SecretKey k = new SecretKeySpec(key.bytes(), "AES");
    List<SecretKey> ring = List.of(k);
    SecureRandom nonces = new SecureRandom();
    byte[] payload = new byte[size];
    long sink = 0;
    int rounds = 200_000;
    long[] best = {Long.MAX_VALUE, Long.MAX_VALUE};
    for (int trial = 0; trial < 5; trial++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        sink += seal.open(seal.plain(payload), ring).payload().length;
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        sink += seal.open(seal.seal(payload, k, nonces, i), ring).payload().length;
      }
      long t2 = System.nanoTime();
      best[0] = Math.min(best[0], (t1 - t0) / rounds);
      best[1] = Math.min(best[1], (t2 - t1) / rounds);
    }
    if (sink == 42) {
      System.out.print("");
    }
    return String.format(Locale.ROOT, "| %d B | %d | %d |", size, best[0], best[1]);
  }

  static String sim(int n, GossipSecurity security) {
    SimCluster c = new SimCluster(9, GossipConfig.lan());
    c.setTracing(false);
    c.setDefaultSecurity(security);
    c.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
    c.bootstrap(n);
    c.advance(Duration.ofSeconds(20));
    long b0 = c.bytes();
    c.advance(Duration.ofSeconds(120));
    double perSecond = (c.bytes() - b0) / (double) n / 120;
    return String.format(Locale.ROOT, "| sim (LAN) | %d | %s | %.0f | |", n, security.encryption(), perSecond);
  }

  static String loopback(int n, GossipSecurity security) throws Exception {
    ConvoyConfig config = ConvoyConfig.local().security(security).build();
    List<ConvoyHost> hosts = new ArrayList<>();
    List<CountingTransport> counted = new ArrayList<>();
    List<NettyTransport> transports = new ArrayList<>();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try {
      for (int i = 0; i < n; i++) {
        NettyTransport t = NettyTransport.start(TransportConfig.builder().bind(new HostPort("127.0.0.1", 0))
            .maxDatagramPayload(config.protocol().maxPacketBytes()).ioThreads(1).build());
        transports.add(t);
        CountingTransport ct = new CountingTransport(t);
        counted.add(ct);
        hosts.add(Convoy.start(config, ct));
      }
      for (ConvoyHost h : hosts.subList(1, n)) {
        h.joinAsync(List.of(hosts.get(0).address())).get();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline && !hosts.stream().allMatch(h -> h.directory().all().stream()
          .filter(m -> m.state() == MemberState.ALIVE).count() == n)) {
        LockSupport.parkNanos(10_000_000); // polls real members; the benchmark has no virtual clock
      }
      LockSupport.parkNanos(Duration.ofSeconds(5).toNanos()); // let the formation's traffic drain
      long b0 = counted.stream().mapToLong(x -> x.bytes.get()).sum();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      LockSupport.parkNanos(Duration.ofSeconds(20).toNanos()); // the measured quiet interval
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / n / seconds;
      double bytes = (counted.stream().mapToLong(x -> x.bytes.get()).sum() - b0) / (double) n / seconds;
      return String.format(Locale.ROOT, "| loopback (LOCAL) | %d | %s | %.0f | %.2f |", n, security.encryption(),
          bytes, cpuMs);
    } finally {
      hosts.forEach(ConvoyHost::shutdown);
      transports.forEach(NettyTransport::close);
    }
  }
}
