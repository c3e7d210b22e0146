package dev.bourne.it.bench;

import dev.bourne.it.process.NodeProcess;
import dev.bourne.kayak.bench.KayakBenchmark;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The key/value service through its HTTP API on three node processes on loopback: puts and
 * linearizable gets with 1, 16, 64 and 256 requests in flight, spread over the three nodes; next to
 * the same operations against three etcd members started here on loopback (etcd's own HTTP/JSON
 * gateway, fsync on, linearizable ranges), through the same light client ({@link LoadClient}: one
 * keep-alive connection per request in flight); and next to Kayak alone (three
 * hosts in one JVM, appends on the leader), the limit the key/value layer can approach. Every
 * phase is bounded in time; the processes are stopped at the end.
 *
 * <p>Run: {@code bin/kv-bench} (installs etcd from Debian's packages if missing). System
 * properties: {@code bench.seconds} per measurement (default 5), {@code bench.warmup.seconds}
 * (default 30, for each system: the servers' JIT compilers take that long to settle on two cores),
 * {@code bench.etcd} (the etcd binary, default {@code etcd} on the PATH).
 */
public final class KvBenchmark {
  private static final int[] IN_FLIGHT = {1, 16, 64, 256};
  private static final int KEYS = 10_000;
  /** Gets read keys the warm-up wrote (it writes keys 0, 1, 2, ... in order). */
  private static final int READ_KEYS = 1_000;
  private static final String VALUE = "v".repeat(128);

  private KvBenchmark() {}

  /** One measured row. */
  record Row(String system, String op, int inFlight, double perSecond, double p50Ms, double p99Ms, long failed) {}

  /** What the load runs against: how to make each kind of request for a server. */
  record Target(List<InetSocketAddress> servers, LoadClient.Requests put, LoadClient.Requests get) {}

  /** Runs the benchmark and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    double seconds = Double.parseDouble(System.getProperty("bench.seconds", "5"));
    double warmup = Double.parseDouble(System.getProperty("bench.warmup.seconds", "30"));
    String etcd = System.getProperty("bench.etcd", "etcd");
    Path root = Files.createTempDirectory("kv-bench");
    List<Row> rows = new ArrayList<>();
    try {
      rows.addAll(bourne(root.resolve("bourne"), warmup, seconds));
      rows.addAll(etcd(root.resolve("etcd"), etcd, warmup, seconds));
      System.out.println("Kayak alone (3 hosts in one JVM, appends of 128 bytes on the leader)...");
      for (KayakBenchmark.Row r : KayakBenchmark.onLeader(root.resolve("kayak"), IN_FLIGHT, warmup, seconds)) {
        rows.add(new Row("Kayak alone (in-process appends)", "append", r.inFlight(), r.perSecond(), r.p50Ms(),
            r.p99Ms(), 0));
      }
    } finally {
      try (Stream<Path> all = Files.walk(root)) {
        all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    System.out.println();
    System.out.println("Key/value benchmark, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
        + " cores, 3 members each on loopback, fsync on, 128-byte values over " + KEYS + " keys, "
        + seconds + " s per row after " + warmup + " s of warm-up; the client runs on the same machine");
    System.out.println("| system | op | in flight | ops/s | p50 ms | p99 ms |");
    System.out.println("|---|---|---:|---:|---:|---:|");
    for (Row r : rows) {
      System.out.printf("| %s | %s | %d | %,.0f | %.2f | %.2f |%s%n", r.system(), r.op(), r.inFlight(), r.perSecond(),
          r.p50Ms(), r.p99Ms(), r.failed() > 0 ? " (" + r.failed() + " failed)" : "");
    }
  }

  private static List<Row> bourne(Path dir, double warmup, double seconds) throws Exception {
    Files.createDirectories(dir);
    List<NodeProcess> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(new NodeProcess("node" + (i + 1), dir, List.of("--request-timeout", "30s")));
      }
      for (NodeProcess n : nodes) {
        n.start(n == nodes.get(0) ? List.of() : List.of(nodes.get(0)));
      }
      await("the Bourne nodes are ready", () -> nodes.stream().allMatch(NodeProcess::ready));
      System.out.println("Bourne: 3 node processes ready; warming up");
      List<InetSocketAddress> servers = nodes.stream().map(n -> new InetSocketAddress("127.0.0.1", n.httpPort)).toList();
      Target t = new Target(servers,
          i -> LoadClient.request(HttpMethod.PUT, "/v1/kv/bench/" + (i % KEYS), VALUE),
          i -> LoadClient.request(HttpMethod.GET, "/v1/kv/bench/" + (i % READ_KEYS), null));
      return measure("Bourne KV (HTTP, 3 processes)", t, warmup, seconds);
    } finally {
      for (NodeProcess n : nodes) {
        n.kill();
      }
    }
  }

  private static List<Row> etcd(Path dir, String binary, double warmup, double seconds) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(); // health checks only
    Files.createDirectories(dir);
    List<Process> members = new ArrayList<>();
    int[] client = new int[3];
    int[] peer = new int[3];
    for (int i = 0; i < 3; i++) {
      client[i] = NodeProcess.freePort();
      peer[i] = NodeProcess.freePort();
    }
    StringBuilder cluster = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      cluster.append(i == 0 ? "" : ",").append("e").append(i).append("=http://127.0.0.1:").append(peer[i]);
    }
    try {
      for (int i = 0; i < 3; i++) {
        List<String> cmd = List.of(binary, "--name", "e" + i, "--data-dir", dir.resolve("e" + i).toString(),
            "--listen-client-urls", "http://127.0.0.1:" + client[i],
            "--advertise-client-urls", "http://127.0.0.1:" + client[i],
            "--listen-peer-urls", "http://127.0.0.1:" + peer[i],
            "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer[i],
            "--initial-cluster", cluster.toString(), "--initial-cluster-state", "new",
            "--initial-cluster-token", "kv-bench", "--log-level", "error");
        try {
          members.add(new ProcessBuilder(cmd).redirectErrorStream(true)
              .redirectOutput(dir.resolve("e" + i + ".log").toFile()).start());
        } catch (java.io.IOException e) {
          System.out.println("etcd not run: cannot start '" + binary + "' (" + e.getMessage()
              + "); bin/kv-bench installs it from Debian's packages");
          return List.of();
        }
      }
      List<URI> bases = new ArrayList<>();
      for (int c : client) {
        bases.add(URI.create("http://127.0.0.1:" + c));
      }
      await("etcd is healthy", () -> bases.stream().allMatch(b -> send(http, HttpRequest.newBuilder(b.resolve("/health"))
          .GET()).exceptionally(e -> -1).join() == 200));
      System.out.println("etcd: 3 members healthy; warming up");
      Base64.Encoder b64 = Base64.getEncoder();
      String value = b64.encodeToString(VALUE.getBytes(StandardCharsets.UTF_8));
      List<InetSocketAddress> servers = new ArrayList<>();
      for (int c : client) {
        servers.add(new InetSocketAddress("127.0.0.1", c));
      }
      Target t = new Target(servers,
          i -> LoadClient.request(HttpMethod.POST, "/v3/kv/put", "{\"key\":\""
              + b64.encodeToString(("bench/" + (i % KEYS)).getBytes(StandardCharsets.UTF_8)) + "\",\"value\":\"" + value + "\"}"),
          i -> LoadClient.request(HttpMethod.POST, "/v3/kv/range", "{\"key\":\""
              + b64.encodeToString(("bench/" + (i % READ_KEYS)).getBytes(StandardCharsets.UTF_8)) + "\"}"));
      return measure("etcd " + version(binary) + " (HTTP gateway, 3 processes)", t, warmup, seconds);
    } finally {
      for (Process p : members) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static String version(String binary) {
    try {
      Process p = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      for (String line : out.split("\n")) {
        if (line.startsWith("etcd Version:")) {
          return line.substring("etcd Version:".length()).trim();
        }
      }
    } catch (java.io.IOException e) {
      // unknown version
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "";
  }

  private static List<Row> measure(String system, Target t, double warmup, double seconds) throws InterruptedException {
    try (LoadClient client = new LoadClient(t.servers())) {
      // Three server JVMs and this one share two cores: the JIT needs a while before the numbers settle.
      client.run(64, warmup * 2 / 3, t.put());
      client.run(64, warmup / 3, t.get());
      List<Row> rows = new ArrayList<>();
      for (int n : IN_FLIGHT) {
        Row put = row(system, "put", n, client.run(n, seconds, t.put()));
        Row get = row(system, "linearizable get", n, client.run(n, seconds, t.get()));
        System.out.println("  " + put + "\n  " + get);
        rows.add(put);
        rows.add(get);
      }
      return rows;
    }
  }

  private static Row row(String system, String op, int inFlight, LoadClient.Result r) {
    return new Row(system, op, inFlight, r.perSecond(), r.p50Ms(), r.p99Ms(), r.failed());
  }

  private static CompletableFuture<Integer> send(HttpClient http, HttpRequest.Builder b) {
    return http.sendAsync(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding())
        .thenApply(HttpResponse::statusCode);
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) {
    dev.bourne.common.testing.Await.until(what, Duration.ofSeconds(120), Duration.ofMillis(100), condition);
  }

}
