package dev.bourne.kayak.bench;

import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.Kayak;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Role;
import dev.bourne.net.Transport;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * Kayak's throughput and commit latency: three hosts in this JVM on loopback (NettyTransport),
 * fsync on, 128-byte entries, a closed loop keeping 1, 16, 64, 256 and 1024 appends in flight,
 * appended on the leader and on a follower (forwarded to the leader), after a JVM warm-up; next to
 * the raw fsync baseline of the same disk measured in the same run. Every phase is time-bounded.
 *
 * <p>Run: {@code bin/run bourne-kayak dev.bourne.kayak.bench.KayakBenchmark} (system properties through
 * {@code JAVA_OPTS}). System
 * properties: {@code bench.warmup.seconds} (default 20), {@code bench.seconds} per measurement
 * (default 5), {@code bench.baseline.seconds} (default 2), {@code bench.dir} (default target/),
 * {@code bench.tls} (true: mutual TLS between the hosts).
 */
public final class KayakBenchmark {
  private static final int[] IN_FLIGHT = {1, 16, 64, 256, 1024};

  private KayakBenchmark() {}

  /** One measured configuration. */
  public record Row(String path, int inFlight, double perSecond, double p50Ms, double p99Ms) {
    Row withPath(String p) {
      return new Row(p, inFlight, perSecond, p50Ms, p99Ms);
    }
  }

  /** Runs the benchmark and prints Markdown tables. */
  public static void main(String[] args) throws Exception {
    double warmup = Double.parseDouble(System.getProperty("bench.warmup.seconds", "20"));
    double seconds = Double.parseDouble(System.getProperty("bench.seconds", "5"));
    double baselineSeconds = Double.parseDouble(System.getProperty("bench.baseline.seconds", "2"));
    Path dir = FsyncBaseline.benchDir();
    List<KayakHost> hosts = new ArrayList<>();
    try {
      // The disk baseline first, while nothing else of ours touches the disk.
      List<FsyncBaseline.Result> baseline = FsyncBaseline.run(dir.resolve("baseline"), baselineSeconds);
      startCluster(dir, hosts);
      KayakHost leader = hosts.stream().filter(h -> h.role() == Role.LEADER).findFirst().orElseThrow();
      KayakHost follower = hosts.stream().filter(h -> h != leader).findFirst().orElseThrow();
      System.out.printf("warming up for %.0f s%n", warmup);
      run(leader, 64, warmup / 2);
      run(follower, 64, warmup / 2);
      List<Row> rows = new ArrayList<>();
      for (int n : IN_FLIGHT) {
        rows.add(run(leader, n, seconds).withPath("on the leader"));
        rows.add(run(follower, n, seconds).withPath("forwarded from a follower"));
        System.out.println(rows.get(rows.size() - 2) + "\n" + rows.get(rows.size() - 1));
      }
      hosts.forEach(KayakHost::shutdown);
      hosts.clear();
      // The disk is shared and noisy: measure again after the cluster and keep the better of the two.
      baseline = best(baseline, FsyncBaseline.run(dir.resolve("baseline2"), baselineSeconds));
      System.out.println();
      System.out.println("Kayak, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
          + " cores, 3 hosts in one JVM on loopback, fsync on, 128-byte entries" + (TLS != null ? ", mutual TLS" : ""));
      System.out.println(table(rows));
      System.out.println("Raw fsync baseline (same disk, same run, best of before and after):"
          + " one write + one fdatasync per batch");
      System.out.println(FsyncBaseline.table(baseline));
    } finally {
      hosts.forEach(KayakHost::shutdown);
      FsyncBaseline.deleteTree(dir);
    }
  }

  /** Starts three hosts in this JVM, fsync on, into {@code hosts}; returns once all three vote. */
  private static void startCluster(Path dir, List<KayakHost> hosts) {
    hosts.add(Kayak.start(config(dir.resolve("a")), transport(), true));
    await(() -> hosts.get(0).role() == Role.LEADER);
    hosts.add(Kayak.join(config(dir.resolve("b")), List.of(hosts.get(0).address()), transport(), true));
    hosts.add(Kayak.join(config(dir.resolve("c")), List.of(hosts.get(0).address()), transport(), true));
    await(() -> hosts.get(0).roster().stream().filter(Member::voter).count() == 3);
  }

  /**
   * Kayak alone, for benchmarks of what is built on it: three hosts in this JVM, appends of
   * 128-byte entries on the leader with each count of {@code inFlight}, after a warm-up.
   */
  public static List<Row> onLeader(Path dir, int[] inFlight, double warmupSeconds, double seconds)
      throws InterruptedException {
    List<KayakHost> hosts = new ArrayList<>();
    try {
      startCluster(dir, hosts);
      KayakHost leader = hosts.stream().filter(h -> h.role() == Role.LEADER).findFirst().orElseThrow();
      run(leader, 64, warmupSeconds);
      List<Row> rows = new ArrayList<>();
      for (int n : inFlight) {
        rows.add(run(leader, n, seconds).withPath("on the leader"));
      }
      return rows;
    } finally {
      hosts.forEach(KayakHost::shutdown);
    }
  }

  private static KayakConfig config(Path data) {
    return KayakConfig.builder(data).build();
  }

  /** With {@code -Dbench.tls=true}, every host's transport uses mutual TLS (one self-signed certificate). */
  private static final dev.bourne.net.TlsConfig TLS = Boolean.getBoolean("bench.tls") ? selfSigned() : null;

  private static dev.bourne.net.TlsConfig selfSigned() {
    try {
      var cert = new io.netty.handler.ssl.util.SelfSignedCertificate("kayak.bench.bourne.test");
      return dev.bourne.net.TlsConfig.pem(cert.certificate().toPath(), cert.privateKey().toPath(), cert.certificate().toPath());
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalStateException("cannot make a test certificate", e);
    }
  }

  private static Transport transport() {
    TransportConfig.Builder b = TransportConfig.builder().bind(new HostPort("127.0.0.1", 0));
    if (TLS != null) {
      b.tls(TLS);
    }
    return NettyTransport.start(b.build());
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("cluster did not form within 60 s");
      }
      LockSupport.parkNanos(5_000_000);
    }
  }

  /** Keeps {@code inFlight} appends outstanding on {@code host} for {@code seconds}. */
  static Row run(KayakHost host, int inFlight, double seconds) throws InterruptedException {
    byte[] payload = new byte[FsyncBaseline.RECORD_BYTES];
    Semaphore permits = new Semaphore(inFlight);
    Recorder latencies = new Recorder(3);
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        continue;
      }
      long t0 = System.nanoTime();
      host.log().append(payload).whenComplete((e, err) -> {
        if (err == null) {
          latencies.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
          done.incrementAndGet();
        } else {
          failed.incrementAndGet();
        }
        permits.release();
      });
    }
    long count = done.get();
    double elapsed = (System.nanoTime() - start) / 1e9;
    permits.tryAcquire(inFlight, 30, TimeUnit.SECONDS);
    Histogram h = latencies.getIntervalHistogram();
    if (failed.get() > 0) {
      System.out.println("  (" + failed.get() + " appends failed)");
    }
    return new Row("", inFlight, count / elapsed, h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0);
  }

  private static List<FsyncBaseline.Result> best(List<FsyncBaseline.Result> a, List<FsyncBaseline.Result> b) {
    List<FsyncBaseline.Result> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(a.get(i).recordsPerSecond() >= b.get(i).recordsPerSecond() ? a.get(i) : b.get(i));
    }
    return out;
  }

  static String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| appended | in flight | entries/s | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      sb.append(String.format("| %s | %d | %,.0f | %.2f | %.2f |%n", r.path(), r.inFlight(), r.perSecond(),
          r.p50Ms(), r.p99Ms()));
    }
    return sb.toString();
  }
}
