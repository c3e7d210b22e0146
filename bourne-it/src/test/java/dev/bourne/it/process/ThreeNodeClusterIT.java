package dev.bourne.it.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bourne.common.testing.Await;
import dev.bourne.it.kv.core.KeyRouter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three node processes on loopback, formed by gossip, used through their HTTP APIs: reads and
 * writes through every node, compare-and-set conflicts, exactly-once retries, errors, read-your-
 * writes across a leader's SIGKILL and its recovery, a restart from a snapshot, and a SIGTERM that
 * leaves gracefully. Every process is killed at the end, whatever happened.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeNodeClusterIT {
  private static final Duration FORM = Duration.ofSeconds(120);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static ProcessCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = ProcessCluster.start("three-nodes", 3, List.of("--snapshot-every", "20", "--data-groups", "2"));
    cluster.awaitReady(FORM);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static NodeProcess node(int i) {
    return cluster.node(i);
  }

  /** Writes until a leader answers (a 503 or 504 is retried with the same request id: exactly once). */
  private static JsonNode putSurely(NodeProcess via, String key, String value, String client, long seq) {
    NodeProcess.Answer[] last = new NodeProcess.Answer[1];
    Await.until("put " + key + " through " + via, WAIT, () -> {
      last[0] = via.call("PUT", "/v1/kv/" + key, value, Map.of("Bourne-Client-Id", client,
          "Bourne-Request-Seq", Long.toString(seq)));
      return last[0].status() == 200;
    });
    return last[0].body();
  }

  private static String valueOf(NodeProcess via, String key, boolean stale) {
    NodeProcess.Answer a = via.callSurely("GET", "/v1/kv/" + key + (stale ? "?stale" : ""), null, WAIT);
    return a.status() == 200 ? a.body().path("value").asText() : null;
  }

  @Test
  @Order(1)
  void formsByGossipAndServesEveryKeyThroughEveryNode() {
    // Ready means each node is in its groups; it learns the others' addresses a moment later.
    Await.until("every node lists three members in each group", WAIT, Duration.ofMillis(100),
        () -> cluster.nodes.stream().allMatch(n -> {
          NodeProcess.Answer a = n.get("/v1/groups");
          if (a.status() != 200 || a.body().size() != 3) {
            return false;
          }
          for (JsonNode g : a.body()) {
            if (g.path("members").size() != 3) {
              return false;
            }
          }
          return true;
        }));
    for (int i = 0; i < 3; i++) {
      NodeProcess.Answer groups = node(i).get("/v1/groups");
      assertEquals(200, groups.status());
      List<String> names = new ArrayList<>();
      for (JsonNode g : groups.body()) {
        names.add(g.path("name").asText());
        assertEquals(3, g.path("members").size(), "three voters in " + g);
      }
      assertEquals(List.of("meta", "kv-0", "kv-1"), names);
    }
    for (int i = 0; i < 3; i++) {
      for (int k = 0; k < 10; k++) {
        NodeProcess.Answer a = node(i).callSurely("PUT", "/v1/kv/every/" + i + "-" + k, "from node " + i, WAIT);
        assertEquals(200, a.status(), a.text());
      }
    }
    for (int i = 0; i < 3; i++) {
      for (int w = 0; w < 3; w++) {
        for (int k = 0; k < 10; k++) {
          assertEquals("from node " + w, valueOf(node(i), "every/" + w + "-" + k, false), "through " + node(i));
        }
      }
      NodeProcess.Answer list = node(i).callSurely("GET", "/v1/kv?prefix=every/&limit=100", null, WAIT);
      assertEquals(30, list.body().path("items").size());
      assertEquals("every/0-0", list.body().path("items").get(0).path("key").asText());
    }
    NodeProcess.Answer members = node(1).get("/v1/members");
    assertEquals(3, members.body().size());
    members.body().forEach(m -> assertEquals("ALIVE", m.path("state").asText()));
  }

  @Test
  @Order(2)
  void compareAndSetAppliesOnlyAtTheExpectedVersion() {
    NodeProcess.Answer created = node(0).callSurely("PUT", "/v1/kv/cas/key?version=0", "one", WAIT);
    assertEquals(200, created.status(), created.text());
    long v = created.body().path("version").asLong();
    NodeProcess.Answer again = node(1).callSurely("PUT", "/v1/kv/cas/key?version=0", "two", WAIT);
    assertEquals(409, again.status());
    assertEquals("VERSION_CONFLICT", again.body().path("error").path("code").asText());
    assertEquals(v, again.body().path("error").path("currentVersion").asLong());
    assertEquals(409, node(2).callSurely("PUT", "/v1/kv/cas/key?version=" + (v + 1), "two", WAIT).status());
    NodeProcess.Answer swapped = node(2).callSurely("PUT", "/v1/kv/cas/key?version=" + v, "two", WAIT);
    assertEquals(200, swapped.status(), swapped.text());
    assertEquals(v, swapped.body().path("previousVersion").asLong());
    assertEquals("two", valueOf(node(0), "cas/key", false));
    assertEquals(409, node(0).callSurely("DELETE", "/v1/kv/cas/key?version=" + v, null, WAIT).status());
    assertEquals(200, node(0).callSurely("DELETE", "/v1/kv/cas/key?version=" + swapped.body().path("version").asLong(),
        null, WAIT).status());
    assertEquals(404, node(1).callSurely("GET", "/v1/kv/cas/key", null, WAIT).status());
  }

  @Test
  @Order(3)
  void retriesOfOneRequestApplyOnceThroughAnyNode() {
    Map<String, String> id = Map.of("Bourne-Client-Id", "it-client", "Bourne-Request-Seq", "1");
    NodeProcess.Answer first = node(0).call("PUT", "/v1/kv/once", "first", id);
    assertEquals(200, first.status(), first.text());
    assertEquals(200, node(1).callSurely("PUT", "/v1/kv/once", "overwritten by another client", WAIT).status());
    // The same request retried through every node, at once: none applies again.
    List<CompletableFuture<NodeProcess.Answer>> retries = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      NodeProcess n = node(i);
      retries.add(CompletableFuture.supplyAsync(() -> n.call("PUT", "/v1/kv/once", "first", id)));
    }
    for (CompletableFuture<NodeProcess.Answer> r : retries) {
      NodeProcess.Answer a = r.join();
      assertEquals(200, a.status(), a.text());
      assertEquals(first.body().path("version").asLong(), a.body().path("version").asLong(), "the first outcome");
    }
    assertEquals("overwritten by another client", valueOf(node(2), "once", false));
    NodeProcess.Answer misuse = node(1).call("PUT", "/v1/kv/once", "a different write", id);
    assertError(misuse, 409, "REQUEST_ID_REUSED");
    NodeProcess.Answer next = node(2).call("PUT", "/v1/kv/once", "second",
        Map.of("Bourne-Client-Id", "it-client", "Bourne-Request-Seq", "2"));
    assertEquals(200, next.status());
    assertEquals("second", valueOf(node(0), "once", false));
  }

  @Test
  @Order(4)
  void badRequestsGetJsonErrorsWithStableCodes() throws Exception {
    assertError(node(0).get("/v1/kv/no/such/key"), 404, "KEY_NOT_FOUND");
    assertError(node(0).call("PUT", "/v1/kv/k?version=abc", "v", Map.of()), 400, "BAD_REQUEST");
    assertError(node(0).call("PUT", "/v1/kv/k", "v", Map.of("Bourne-Client-Id", "c")), 400, "BAD_REQUEST");
    assertError(node(0).call("PUT", "/v1/kv/k", "v", Map.of("Bourne-Client-Id", "bad id", "Bourne-Request-Seq", "1")),
        400, "BAD_REQUEST");
    assertError(node(1).call("DELETE", "/v1/kv/never-written", null, Map.of()), 404, "KEY_NOT_FOUND");
    assertError(node(1).get("/v1/nothing"), 404, "NOT_FOUND");
    assertError(node(1).call("POST", "/v1/kv/k", "v", Map.of()), 405, "METHOD_NOT_ALLOWED");
    assertError(node(1).get("/v1/kv?limit=0"), 400, "BAD_REQUEST");
    assertError(node(2).call("PUT", "/v1/kv/big", "x".repeat(600 * 1024), Map.of()), 400, "BAD_REQUEST");
    assertError(node(2).call("PUT", "/v1/kv/huge", "x".repeat(2 << 20), Map.of()), 413, "REQUEST_TOO_LARGE");
    assertError(node(2).raw("GET /v1/kv/bad%zzescape HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400,
        "BAD_REQUEST");
    String metrics = node(2).get("/metrics").text();
    for (String name : List.of("bourne_http_requests_total", "bourne_http_request_seconds_bucket",
        "bourne_kayak_commit_index{group=\"kv-0\"}", "bourne_convoy_members{state=\"ALIVE\"} 3",
        "bourne_net_connections_accepted_total", "bourne_kv_keys{group=\"kv-1\"}")) {
      assertTrue(metrics.contains(name), name + " in /metrics");
    }
  }

  @Test
  @Order(4)
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    // A slow write, then a fast stale read on the same connection: the read's answer must wait.
    String put = "PUT /v1/kv/pipelined HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst";
    String get = "GET /v1/kv/pipelined?stale HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), node(1).httpPort)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write((put + get).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      String all = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int second = all.indexOf("HTTP/1.1", 1);
      assertTrue(second > 0, all);
      assertTrue(all.substring(0, second).contains("\"previousVersion\""), "the write's answer first: " + all);
      // The read ran at once (before or after the write applied); only its answer waited.
      assertTrue(all.substring(second).contains("pipelined"), all);
    }
  }

  /** Runs a {@code bourne} command in this JVM; returns exit code, output and errors. */
  private static String[] bourne(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cl = dev.bourne.it.cli.Bourne.commandLine();
    cl.setOut(new java.io.PrintWriter(out));
    cl.setErr(new java.io.PrintWriter(err));
    int code = cl.execute(args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  @Order(4)
  void theCommandLineTalksToAnyNode() {
    String a0 = "127.0.0.1:" + node(0).httpPort;
    String a2 = "127.0.0.1:" + node(2).httpPort;
    String[] put = bourne("kv", "put", "cli/key", "from the cli", "--addr", a0);
    assertEquals("0", put[0], put[2]);
    long version = Long.parseLong(put[1].trim().substring("version ".length()));
    String[] get = bourne("kv", "get", "cli/key", "--show-version", "--addr", a2);
    assertEquals("from the cli\t" + version, get[1].trim());
    String[] conflict = bourne("kv", "cas", "cli/key", "lost", "--version", Long.toString(version + 1), "--addr", a2);
    assertEquals("1", conflict[0]);
    assertTrue(conflict[2].contains("VERSION_CONFLICT") && conflict[2].contains("current version " + version), conflict[2]);
    assertEquals("0", bourne("kv", "cas", "cli/key", "won", "--version", Long.toString(version), "--addr", a0)[0]);
    String[] list = bourne("kv", "list", "cli/", "--addr", a2);
    assertTrue(list[1].startsWith("KEY") && list[1].contains("cli/key") && list[1].contains("won"), list[1]);
    String[] members = bourne("members", "--addr", a2);
    assertEquals(4, members[1].trim().split("\n").length, members[1]);
    assertEquals(3, members[1].split("ALIVE", -1).length - 1, members[1]);
    String[] groups = bourne("groups", "--json", "--addr", a0);
    assertEquals("0", groups[0]);
    assertTrue(groups[1].trim().startsWith("[") && groups[1].contains("\"kv-1\""), groups[1]);
    assertEquals("0", bourne("kv", "delete", "cli/key", "--addr", a0)[0]);
    String[] gone = bourne("kv", "get", "cli/key", "--addr", a2);
    assertEquals("1", gone[0]);
    assertTrue(gone[2].startsWith("error KEY_NOT_FOUND"), gone[2]);
    assertTrue(bourne("status", "--addr", a0)[1].contains("ready          true"));
  }

  private static void assertError(NodeProcess.Answer a, int status, String code) {
    assertEquals(status, a.status(), a.text());
    assertEquals(code, a.body().path("error").path("code").asText(), a.text());
    assertTrue(a.body().path("error").path("message").asText().length() > 5, a.text());
  }

  /** The node that leads the group holding {@code key}. */
  private static NodeProcess leaderOf(String key) {
    String group = "kv-" + KeyRouter.groupOf(key, 2);
    NodeProcess[] leader = new NodeProcess[1];
    Await.until("a leader for " + group, WAIT, () -> {
      for (NodeProcess n : cluster.nodes) {
        if (!n.alive()) {
          continue;
        }
        for (JsonNode g : n.get("/v1/groups").body()) {
          if (g.path("name").asText().equals(group) && g.path("role").asText().equals("LEADER")) {
            leader[0] = n;
            return true;
          }
        }
      }
      return false;
    });
    return leader[0];
  }

  @Test
  @Order(5)
  void readsItsWritesAcrossALeadersCrashAndTheCrashedNodeRecovers() throws Exception {
    String key = "rw/key";
    putSurely(node(0), key, "before", "rw", 1);
    NodeProcess leader = leaderOf(key);
    leader.kill();
    NodeProcess other = cluster.others(leader).get(0);
    JsonNode w = putSurely(other, key, "after", "rw", 2);
    assertTrue(w.path("version").asLong() > 0);
    for (NodeProcess n : cluster.others(leader)) {
      assertEquals("after", valueOf(n, key, false), "read-your-writes through " + n);
      assertEquals("from node 1", valueOf(n, "every/1-3", false), "earlier writes survive through " + n);
    }
    leader.start(cluster.others(leader));
    cluster.awaitReady(FORM);
    assertEquals("after", valueOf(leader, key, false), "the restarted node reads linearizably");
    Await.until("the restarted node's replica caught up", WAIT, () -> "after".equals(valueOf(leader, key, true)));
    for (int w2 = 0; w2 < 3; w2++) {
      assertEquals("from node " + w2, valueOf(leader, "every/" + w2 + "-9", false));
    }
  }

  @Test
  @Order(6)
  void aNodeRestartsFromItsSnapshot() throws Exception {
    for (int i = 0; i < 100; i++) {
      putSurely(node(1), "snap/" + i, "value " + i, "snapper", i + 1);
    }
    Await.until("every node snapshotted both data groups", WAIT, () -> cluster.nodes.stream().allMatch(n -> {
      int snapshotted = 0;
      for (JsonNode g : n.get("/v1/groups").body()) {
        if (g.path("name").asText().startsWith("kv-") && g.path("snapshotIndex").asLong() > 0) {
          snapshotted++;
        }
      }
      return snapshotted == 2;
    }));
    NodeProcess n = node(2);
    assertEquals(NodeProcess.SIGTERM_EXIT, n.terminate(), "SIGTERM stops the JVM after the graceful stop");
    n.start(cluster.others(n));
    cluster.awaitReady(FORM);
    // Its replicas restore on their own threads, right after the node is ready.
    Await.until("the restarted node restored both data groups from snapshots", WAIT, () -> {
      try {
        String log = Files.readString(n.logFile);
        String last = log.substring(log.lastIndexOf("=== start"));
        return last.contains("kv-0: restored") && last.contains("kv-1: restored");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    for (int i = 0; i < 100; i++) {
      assertEquals("value " + i, valueOf(n, "snap/" + i, false));
    }
  }

  @Test
  @Order(7)
  void sigtermLeavesTheGossipGroup() throws Exception {
    NodeProcess n = node(2);
    String id = n.id();
    assertEquals(NodeProcess.SIGTERM_EXIT, n.terminate());
    String log = Files.readString(n.logFile);
    assertTrue(log.substring(log.lastIndexOf("=== start")).contains("stopping"), "the graceful stop ran");
    Await.until("the others see it left", WAIT, () -> {
      for (JsonNode m : node(0).get("/v1/members").body()) {
        if (m.path("id").asText().equals(id)) {
          return m.path("state").asText().equals("LEFT");
        }
      }
      return true; // already gone from the directory
    });
    putSurely(node(0), "after-leave", "two of three still serve", "leave", 1);
    assertEquals("two of three still serve", valueOf(node(1), "after-leave", false));
  }
}
