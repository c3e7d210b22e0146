package dev.bourne.net.bench;

import dev.bourne.common.net.HostPort;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Loopback RPC benchmark: calls per second and p50/p99 latency of {@link NettyTransport} for 100 B
 * and 4 KiB payloads with 1 and 64 calls in flight, next to a raw Netty echo of length-prefixed
 * bytes (no envelope, no correlation, no handler dispatch) with the same payloads and concurrency,
 * measured in the same run as the physical limit of this machine. Closed loop: each of the
 * in-flight slots sends its next call when the previous one completes.
 *
 * <p>Run: {@code bin/run bourne-net dev.bourne.net.bench.RpcBenchmark}. Tunables, passed as
 * {@code JAVA_OPTS}: {@code -Dbench.warmup=2}, {@code -Dbench.seconds=2} and {@code -Dbench.rounds=3} (each row is the
 * best of that many rounds, raw and RPC alternating, so both see the same background load); the
 * whole run takes about 70 s;
 * {@code -Dbench.payloads=100,4096} and {@code -Dbench.inflight=1,64} pick the rows.
 * Not part of the tests.
 */
public final class RpcBenchmark {
  private static final int[] PAYLOADS = ints("bench.payloads", "100,4096");
  private static final int[] IN_FLIGHT = ints("bench.inflight", "1,64");

  private RpcBenchmark() {}

  private static int[] ints(String property, String fallback) {
    return java.util.Arrays.stream(System.getProperty(property, fallback).split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
  }

  /** One measured row. */
  record Result(String transport, int payload, int inFlight, long calls, double seconds, Histogram latency) {
    double rate() {
      return calls / seconds;
    }
  }

  /** Something to drive: sends one call with a payload and completes when its reply is back. */
  interface Target extends AutoCloseable {
    CompletableFuture<?> call(byte[] payload);

    @Override
    void close();
  }

  public static void main(String[] args) throws Exception {
    Duration warmup = Duration.ofSeconds(Long.getLong("bench.warmup", 2));
    Duration measure = Duration.ofSeconds(Long.getLong("bench.seconds", 2));
    int rounds = Integer.getInteger("bench.rounds", 3);
    List<Result> results = new ArrayList<>();
    for (int payload : PAYLOADS) {
      for (int inFlight : IN_FLIGHT) {
        try (Target raw = RawEcho.start(); Target rpc = rpcTarget(null); Target tls = rpcTarget(tls())) {
          run("raw Netty echo", raw, payload, inFlight, warmup);
          run("bourne RPC", rpc, payload, inFlight, warmup);
          run("bourne RPC, mutual TLS", tls, payload, inFlight, warmup);
          // Alternate them so that all see the same background load; keep each one's best
          // round (the machine is shared, and noise only ever slows a round down).
          Result bestRaw = null;
          Result bestRpc = null;
          Result bestTls = null;
          for (int round = 0; round < rounds; round++) {
            bestRaw = best(bestRaw, run("raw Netty echo", raw, payload, inFlight, measure));
            bestRpc = best(bestRpc, run("bourne RPC", rpc, payload, inFlight, measure));
            bestTls = best(bestTls, run("bourne RPC, mutual TLS", tls, payload, inFlight, measure));
          }
          results.add(bestRaw);
          results.add(bestRpc);
          results.add(bestTls);
        }
      }
    }
    print(results, warmup, measure, rounds);
  }

  private static Result best(Result a, Result b) {
    return a == null || b.rate() > a.rate() ? b : a;
  }

  /** One self-signed certificate for both ends, trusted by both (made for the run). */
  private static dev.bourne.net.TlsConfig tls() throws Exception {
    io.netty.handler.ssl.util.SelfSignedCertificate cert = new io.netty.handler.ssl.util.SelfSignedCertificate("bench.bourne.test");
    return dev.bourne.net.TlsConfig.pem(cert.certificate().toPath(), cert.privateKey().toPath(), cert.certificate().toPath());
  }

  private static Target rpcTarget(dev.bourne.net.TlsConfig tls) {
    TransportConfig.Builder sb = TransportConfig.builder().ioThreads(1);
    TransportConfig.Builder cb = TransportConfig.builder().ioThreads(1);
    if (tls != null) {
      sb.tls(tls);
      cb.tls(tls);
    }
    NettyTransport server = NettyTransport.start(sb.build());
    NettyTransport client = NettyTransport.start(cb.build());
    server.handle("echo", (from, p) -> CompletableFuture.completedFuture(p));
    HostPort to = server.localAddress();
    Duration timeout = Duration.ofSeconds(30);
    return new Target() {
      @Override
      public CompletableFuture<?> call(byte[] payload) {
        return client.call(to, "echo", payload, timeout);
      }

      @Override
      public void close() {
        client.close();
        server.close();
      }
    };
  }

  static Result run(String name, Target target, int payloadSize, int inFlight, Duration length)
      throws InterruptedException {
    byte[] payload = new byte[payloadSize];
    Recorder recorder = new Recorder(3);
    AtomicLong calls = new AtomicLong();
    long start = System.nanoTime();
    drive(target, payload, inFlight, length, recorder, calls);
    double seconds = (System.nanoTime() - start) / 1e9;
    Result r = new Result(name, payloadSize, inFlight, calls.get(), seconds, recorder.getIntervalHistogram());
    System.err.printf(Locale.ROOT, "%-15s %5d B x %2d: %,.0f calls/s, mean %.1f us, max %d us%n", name, payloadSize, inFlight, r.rate(),
        r.latency().getMean(), r.latency().getMaxValue());
    return r;
  }

  /** Keeps {@code inFlight} calls going until {@code length} has passed, then waits for them. */
  private static void drive(Target target, byte[] payload, int inFlight, Duration length, Recorder latency, AtomicLong calls)
      throws InterruptedException {
    long deadline = System.nanoTime() + length.toNanos();
    CountDownLatch done = new CountDownLatch(inFlight);
    for (int i = 0; i < inFlight; i++) {
      new Slot(target, payload, deadline, latency, calls, done).next();
    }
    if (!done.await(length.toSeconds() + 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("benchmark calls did not finish");
    }
  }

  /** One in-flight slot of the closed loop. */
  private record Slot(Target target, byte[] payload, long deadline, Recorder latency, AtomicLong calls, CountDownLatch done) {
    void next() {
      long sent = System.nanoTime();
      if (sent - deadline >= 0) {
        done.countDown();
        return;
      }
      target.call(payload).whenComplete((r, e) -> {
        if (e != null) {
          System.err.println("call failed: " + e);
          done.countDown();
          return;
        }
        latency.recordValue((System.nanoTime() - sent) / 1_000);
        calls.incrementAndGet();
        next();
      });
    }
  }

  private static void print(List<Result> results, Duration warmup, Duration measure, int rounds) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "%nLoopback RPC, %s, %d cores, Java %s, load average %.1f; closed loop on one connection; %d s warm-up,"
            + " then the best of %d alternating %d s rounds per row.%n%n",
        LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), warmup.toSeconds(), rounds,
        measure.toSeconds()));
    sb.append("| payload | in flight | transport | calls/s | p50 (µs) | p99 (µs) |\n");
    sb.append("|--------:|----------:|-----------|--------:|---------:|---------:|\n");
    for (Result r : results) {
      sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %,.0f | %d | %d |%n",
          r.payload() >= 1024 ? (r.payload() / 1024) + " KiB" : r.payload() + " B", r.inFlight(), r.transport(), r.rate(),
          r.latency().getValueAtPercentile(50), r.latency().getValueAtPercentile(99)));
    }
    System.out.print(sb);
    System.out.flush();
  }
}
