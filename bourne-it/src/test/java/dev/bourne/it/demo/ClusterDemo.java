package dev.bourne.it.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bourne.it.cli.Bourne;
import dev.bourne.it.process.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The main job, narrated: five node processes on loopback find each other by gossip and form their
 * Raft groups by themselves; a workload runs through the HTTP API; one node is killed (SIGKILL),
 * detected, replaced, and the data stays intact; it restarts on its data and rejoins; then every
 * node stops with SIGTERM. Every wait is bounded; it ends by itself.
 *
 * <p>Run: {@code bin/demo} (or {@code bin/run bourne-it dev.bourne.it.demo.ClusterDemo}).
 */
public final class ClusterDemo {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final long T0 = System.nanoTime();

  private ClusterDemo() {}

  /** Runs the demo; exits non-zero if a step fails. */
  public static void main(String[] args) throws Exception {
    Path root = Files.createTempDirectory("bourne-demo");
    List<NodeProcess> nodes = new ArrayList<>();
    try {
      run(root, nodes);
    } finally {
      for (NodeProcess n : nodes) {
        n.kill();
      }
      try (Stream<Path> all = Files.walk(root)) {
        all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static void run(Path root, List<NodeProcess> nodes) throws Exception {
    for (int i = 0; i < 5; i++) {
      nodes.add(new NodeProcess("node" + (i + 1), root, List.of()));
    }
    for (NodeProcess n : nodes) {
      n.start(n == nodes.get(0) ? List.of() : List.of(nodes.get(0)));
      say(n.name + " started: gossip+raft " + n.gossipAddress() + ", HTTP 127.0.0.1:" + n.httpPort
          + (n == nodes.get(0) ? " (first node)" : ", joining through " + nodes.get(0).name));
    }
    say("nobody was told who bootstraps: every group expects 3 voters and forms once gossip shows 3 nodes");
    Set<NodeProcess> ready = new HashSet<>();
    await("all 5 nodes serve the key/value API", () -> {
      for (NodeProcess n : nodes) {
        if (!ready.contains(n) && n.ready()) {
          ready.add(n);
          say("  " + n.name + " is ready");
        }
      }
      return ready.size() == nodes.size();
    });
    cli("groups", nodes.get(0));

    NodeProcess.Answer shards = nodes.get(0).get("/v1/status");
    say("workload: 300 puts through random nodes over the data groups " + shards.body().path("dataGroups"));
    Random rnd = new Random(7);
    long start = System.nanoTime();
    for (int i = 0; i < 300; i++) {
      NodeProcess via = nodes.get(rnd.nextInt(nodes.size()));
      NodeProcess.Answer a = via.put("demo/key-" + i, "value " + i);
      check(a.status() == 200, "put demo/key-" + i + " through " + via.name + ": " + a.text());
    }
    say(String.format("  300 puts in %.2f s (one at a time, each durable on a majority before it returns)",
        (System.nanoTime() - start) / 1e9));
    NodeProcess.Answer cas = nodes.get(1).call("PUT", "/v1/kv/demo/key-0?version=1", "stale write", Map.of());
    say("  a compare-and-set on a stale version: HTTP " + cas.status() + " " + cas.body().path("error").path("code").asText()
        + " (current version " + cas.body().path("error").path("currentVersion").asLong() + ")");
    Map<String, String> id = Map.of("Bourne-Client-Id", "demo-client", "Bourne-Request-Seq", "1");
    long v1 = nodes.get(2).call("PUT", "/v1/kv/demo/once", "applied once", id).body().path("version").asLong();
    long v2 = nodes.get(3).call("PUT", "/v1/kv/demo/once", "applied once", id).body().path("version").asLong();
    say("  the same request sent twice through two nodes: versions " + v1 + " and " + v2 + " (applied once)");
    checkAll(nodes, 300);
    say("  every node reads all 300 keys (linearizable reads, forwarded to each group's leader)");

    NodeProcess victim = voterOfMost(nodes);
    String victimId = victim.id();
    say(victim.name + ": killed with SIGKILL (a voter of " + votes(victim) + " of the 3 groups)");
    long killed = System.nanoTime();
    victim.kill();
    List<NodeProcess> live = nodes.stream().filter(n -> n != victim).toList();
    NodeProcess watcher = live.get(0);
    String[] seen = {"ALIVE"};
    await("gossip detected " + victim.name + " as failed", () -> {
      String state = stateOf(watcher, victimId);
      if (!state.equals(seen[0])) {
        say("  " + watcher.name + " sees " + victim.name + " " + state);
        seen[0] = state;
      }
      return state.equals("FAILED") || state.equals("GONE");
    });
    say(String.format("  detected after %.1f s", (System.nanoTime() - killed) / 1e9));
    await("autopilot promoted learners in its place in every group", () -> replaced(watcher, victim));
    say(String.format("  replaced after %.1f s", (System.nanoTime() - killed) / 1e9));
    cli("groups", watcher);
    checkAll(live, 300);
    say("  the 4 survivors still read all 300 keys; writes go on:");
    check(watcher.put("demo/after-kill", "still serving").status() == 200, "put after the kill");

    victim.start(live);
    say(victim.name + ": restarted on its data directory");
    await(victim.name + " rejoined and serves", victim::ready);
    // Back in all three groups, none of them with it as a voter: a learner each time.
    await(victim.name + " is back in its groups as a learner (3 voters each)",
        () -> rosterSize(watcher) == 15 && replaced(watcher, victim));
    checkAll(List.of(victim), 300);
    say("  " + victim.name + " reads all 300 keys and 'demo/after-kill' = "
        + victim.get("/v1/kv/demo/after-kill").body().path("value").asText());
    cli("members", victim);

    for (NodeProcess n : nodes) {
      int code = n.terminate();
      say(n.name + ": stopped with SIGTERM (graceful: left gossip; exit " + code + ")");
    }
    say("done");
  }

  private static void checkAll(List<NodeProcess> via, int keys) {
    for (NodeProcess n : via) {
      NodeProcess.Answer list = n.get("/v1/kv?prefix=demo/key-&limit=1000");
      check(list.status() == 200 && list.body().path("items").size() == keys,
          n.name + " lists " + keys + " keys: " + list.text().length() + " bytes, status " + list.status());
      for (JsonNode item : list.body().path("items")) {
        String k = item.path("key").asText();
        check(item.path("value").asText().equals("value " + k.substring("demo/key-".length())), "value of " + k);
      }
    }
  }

  private static NodeProcess voterOfMost(List<NodeProcess> nodes) {
    return nodes.stream().max(Comparator.comparingInt(ClusterDemo::votes)).orElseThrow();
  }

  private static int votes(NodeProcess n) {
    int votes = 0;
    for (JsonNode g : n.get("/v1/groups").body()) {
      for (JsonNode m : g.path("members")) {
        if (m.path("address").asText().equals(n.gossipAddress()) && m.path("voter").asBoolean()) {
          votes++;
        }
      }
    }
    return votes;
  }

  private static boolean replaced(NodeProcess watcher, NodeProcess victim) {
    NodeProcess.Answer a = watcher.get("/v1/groups");
    if (a.status() != 200) {
      return false;
    }
    for (JsonNode g : a.body()) {
      int voters = 0;
      for (JsonNode m : g.path("members")) {
        if (m.path("voter").asBoolean()) {
          if (m.path("address").asText().equals(victim.gossipAddress())) {
            return false;
          }
          voters++;
        }
      }
      if (voters != 3) {
        return false;
      }
    }
    return true;
  }

  private static int rosterSize(NodeProcess watcher) {
    int n = 0;
    for (JsonNode g : watcher.get("/v1/groups").body()) {
      n += g.path("members").size();
    }
    return n;
  }

  private static String stateOf(NodeProcess watcher, String id) {
    for (JsonNode m : watcher.get("/v1/members").body()) {
      if (m.path("id").asText().equals(id)) {
        return m.path("state").asText();
      }
    }
    return "GONE";
  }

  /** Runs a {@code bourne} command in this JVM, as a person would type it. */
  private static void cli(String command, NodeProcess n) {
    say("$ bourne " + command + " --addr 127.0.0.1:" + n.httpPort);
    Bourne.commandLine().execute(command, "--addr", "127.0.0.1:" + n.httpPort);
  }

  private static void await(String what, BooleanSupplier condition) {
    dev.bourne.common.testing.Await.until(what, WAIT, Duration.ofMillis(100), condition);
    say(what);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("demo step failed: " + what);
    }
  }

  private static void say(String line) {
    System.out.printf("[%6.2fs] %s%n", (System.nanoTime() - T0) / 1e9, line);
    System.out.flush();
  }

}
