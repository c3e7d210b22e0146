package dev.bourne.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bourne.common.testing.Await;
import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.it.cluster.ClusterChecks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Convoy under real faults, in five node containers with the {@code local} gossip profile
 * (200 ms probes): how fast a crash is detected by every member, what a frozen member goes
 * through (suspected, then refuted, or failed and back with a higher incarnation), whether live
 * members are falsely suspected meanwhile (Lifeguard's point), and whether a member cut off from
 * a minority of the others is ever marked failed. Each step prints what it saw; the assertions
 * are the guarantees: detection within {@link GossipConfig#failureDetectionBound}, no live member
 * ever marked failed, every frozen member back alive everywhere with a higher incarnation.
 */
class ConvoyFaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final GossipConfig GOSSIP = GossipConfig.local();

  /** One member as one observer sees it. */
  private record Seen(String state, long incarnation, long suspected, long failed) {}

  @Test
  void detectionPausesAndPartialPartitions() throws Exception {
    try (ContainerCluster c = ContainerCluster.start("convoy", 5, List.of())) {
      c.awaitReady(WAIT);
      List<NodeContainer> nodes = c.running();
      ClusterChecks.directoriesConverge(nodes, WAIT);
      Map<NodeContainer, String> ids = new HashMap<>();
      nodes.forEach(n -> ids.put(n, n.id()));
      NodeContainer victim = nodes.get(4);
      List<NodeContainer> observers = nodes.subList(0, 4);
      List<String> report = new ArrayList<>();

      // 1. A crash: every observer marks it failed within the configured bound.
      Duration bound = GOSSIP.failureDetectionBound(nodes.size());
      long t0 = System.nanoTime();
      victim.kill();
      Map<String, Long> suspectedAt = new TreeMap<>();
      Map<String, Long> failedAt = new TreeMap<>();
      Await.until("every observer marks the killed " + victim + " failed", WAIT, Duration.ofMillis(50), () -> {
        for (NodeContainer o : observers) {
          Seen s = seen(o).get(ids.get(victim));
          long now = System.nanoTime() - t0;
          String state = s == null ? "FAILED" : s.state(); // reaped counts as failed
          if (!state.equals("ALIVE")) {
            suspectedAt.putIfAbsent(o.name, now);
          }
          if (!state.equals("ALIVE") && !state.equals("SUSPECT")) {
            failedAt.putIfAbsent(o.name, now);
          }
        }
        return failedAt.size() == observers.size();
      });
      long worst = failedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      report.add(String.format("crash of %s: first suspected after %s ms, failed everywhere after %s ms "
          + "(first %d ms, last %d ms; bound %d ms)", victim.name, millis(suspectedAt), millis(failedAt),
          failedAt.values().stream().mapToLong(Long::longValue).min().orElseThrow() / 1_000_000, worst / 1_000_000,
          bound.toMillis()));
      assertTrue(worst <= bound.toNanos(), "detection took " + worst / 1_000_000 + " ms, over the bound of " + bound);
      victim.restart();
      ContainerCluster.awaitReady(List.of(victim), WAIT);
      ClusterChecks.directoriesConverge(nodes, WAIT);

      // 2. Pauses: short (under the longest suspicion timeout), then long (far over it).
      for (long pauseMillis : List.of(1_000L, 6_000L)) {
        Map<NodeContainer, Map<String, Seen>> before = snapshot(observers);
        long incarnation = before.get(observers.get(0)).get(ids.get(victim)).incarnation();
        victim.pause();
        LockSupport.parkNanos(pauseMillis * 1_000_000); // the fault's length, not a wait for a condition
        victim.resume();
        ClusterChecks.directoriesConverge(nodes, WAIT);
        Map<NodeContainer, Map<String, Seen>> after = snapshot(observers);
        long suspicions = 0;
        long failures = 0;
        long othersSuspected = 0;
        long othersFailed = 0;
        for (NodeContainer o : observers) {
          for (Map.Entry<String, Seen> e : after.get(o).entrySet()) {
            Seen was = before.get(o).getOrDefault(e.getKey(), new Seen("ALIVE", 0, 0, 0));
            long ds = e.getValue().suspected() - was.suspected();
            long df = e.getValue().failed() - was.failed();
            if (e.getKey().equals(ids.get(victim))) {
              suspicions += ds;
              failures += df;
            } else {
              othersSuspected += ds;
              othersFailed += df;
            }
          }
        }
        long incarnationAfter = after.get(observers.get(0)).get(ids.get(victim)).incarnation();
        report.add(String.format("pause of %s for %d ms (longest suspicion %d ms): suspected %d times and failed %d "
            + "times by the 4 observers, incarnation %d -> %d; other members suspected %d times, failed %d times",
            victim.name, pauseMillis, GOSSIP.suspicionMaxTimeout(nodes.size()).toMillis(), suspicions, failures,
            incarnation, incarnationAfter, othersSuspected, othersFailed));
        assertEquals(0, othersFailed, "a live member was marked failed during another's pause: " + report);
        if (suspicions + failures > 0) {
          assertTrue(incarnationAfter > incarnation, "the paused member came back without refuting: " + report);
        }
        if (pauseMillis > 2 * GOSSIP.suspicionMaxTimeout(nodes.size()).toMillis()) {
          assertTrue(failures >= observers.size(), "a member frozen far past the suspicion timeout was not marked "
              + "failed by every observer: " + report);
        }
      }

      // 3. A member cut off from a minority of the others (one, then two) is reached indirectly: never failed.
      NodeContainer cut = nodes.get(0);
      for (List<NodeContainer> minority : List.of(List.of(nodes.get(1)), List.of(nodes.get(1), nodes.get(2)))) {
        Map<NodeContainer, Map<String, Seen>> before = snapshot(nodes);
        cut.dropFrom(minority);
        for (NodeContainer m : minority) {
          m.dropFrom(List.of(cut));
        }
        LockSupport.parkNanos(4_000_000_000L); // longer than the longest suspicion timeout
        c.healNetwork();
        ClusterChecks.directoriesConverge(nodes, WAIT);
        Map<NodeContainer, Map<String, Seen>> after = snapshot(nodes);
        long suspected = 0;
        long failed = 0;
        for (NodeContainer o : nodes) {
          for (Map.Entry<String, Seen> e : after.get(o).entrySet()) {
            Seen was = before.get(o).getOrDefault(e.getKey(), new Seen("ALIVE", 0, 0, 0));
            suspected += e.getValue().suspected() - was.suspected();
            failed += e.getValue().failed() - was.failed();
          }
        }
        report.add(String.format("%s cut off from %s for 4000 ms: members suspected %d times, failed %d times",
            cut.name, minority.stream().map(n -> n.name).toList(), suspected, failed));
        assertEquals(0, failed, "a member reachable by a majority was marked failed: " + report);
      }
      for (NodeContainer n : nodes) {
        assertEquals(0, n.callSurely("GET", "/v1/status", null, WAIT).body().path("membershipEventsMissed").asLong(),
            n + " missed membership events: its counts above are incomplete");
      }
      System.out.println("Convoy under faults:\n  " + String.join("\n  ", report));
    }
  }

  private static String millis(Map<String, Long> at) {
    Map<String, Long> ms = new TreeMap<>();
    at.forEach((k, v) -> ms.put(k, v / 1_000_000));
    return ms.toString();
  }

  private static Map<NodeContainer, Map<String, Seen>> snapshot(List<NodeContainer> observers) {
    Map<NodeContainer, Map<String, Seen>> all = new HashMap<>();
    for (NodeContainer o : observers) {
      all.put(o, seen(o));
    }
    return all;
  }

  /** Every member {@code observer} knows, failed and departed ones included. */
  private static Map<String, Seen> seen(NodeContainer observer) {
    NodeContainer.Answer a = observer.get("/v1/members?all=true");
    if (a.status() != 200) {
      throw new AssertionError(observer + " did not list its members: " + a);
    }
    Map<String, Seen> out = new HashMap<>();
    for (JsonNode m : a.body()) {
      out.put(m.path("id").asText(), new Seen(m.path("state").asText(), m.path("incarnation").asLong(),
          m.path("suspected").asLong(), m.path("failed").asLong()));
    }
    return out;
  }
}
