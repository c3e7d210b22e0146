package dev.bourne.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bourne.common.testing.Await;
import dev.bourne.it.check.Linearizability;
import dev.bourne.it.check.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The checks after a run under faults, once the faults are healed: the history is linearizable
 * per key, every node holds the same committed log prefix in every group, and every node's Convoy
 * directory shows the same live members.
 */
public final class ClusterChecks {
  private static final Duration POLL = Duration.ofMillis(200);

  private ClusterChecks() {}

  /** What a run checked, for the test's output and the README's table. */
  public record Summary(int operations, long ok, long unknown, long failed, Linearizability.Report report,
      Map<String, Long> logEntriesCompared) {
    @Override
    public String toString() {
      return String.format("operations: %d (%d ok, %d unknown, %d failed); log entries compared per group: %s%n%s",
          operations, ok, unknown, failed, logEntriesCompared, report);
    }
  }

  /** Checks the history; fails with the checker's report (and {@code replay}, how to run it again) on a violation. */
  public static Linearizability.Report linearizable(List<Op> history, String replay) {
    Linearizability.Report report = Linearizability.check(history, 20_000_000);
    assertEquals(Linearizability.Outcome.LINEARIZABLE, report.outcome(), replay + ": " + report);
    return report;
  }

  /** Runs every check on {@code nodes} (all running and healed) and the workload's history. */
  public static Summary all(List<? extends NodeHandle> nodes, Workload workload, Duration timeout, String replay) {
    directoriesConverge(nodes, timeout);
    Map<String, Long> compared = logsAgree(nodes, timeout);
    List<Op> history = workload.history();
    Linearizability.Report report = linearizable(history, replay);
    long ok = history.stream().filter(o -> o.status() == Op.Status.OK).count();
    long unknown = history.stream().filter(o -> o.status() == Op.Status.UNKNOWN).count();
    return new Summary(history.size(), ok, unknown, history.size() - ok - unknown, report, compared);
  }

  /** Waits until every node's directory lists exactly the nodes' member ids, all alive. */
  public static void directoriesConverge(List<? extends NodeHandle> nodes, Duration timeout) {
    Set<String> ids = nodes.stream().map(NodeHandle::id).collect(Collectors.toCollection(TreeSet::new));
    Map<String, Object> last = new HashMap<>();
    try {
      Await.until("every directory shows the " + nodes.size() + " live nodes alive", timeout, POLL, () -> {
        for (NodeHandle n : nodes) {
          NodeHandle.Answer a = n.get("/v1/members");
          Map<String, String> states = new TreeMap<>();
          if (a.status() == 200) {
            a.body().forEach(m -> states.put(m.path("id").asText(), m.path("state").asText()));
          }
          last.put(n.name, states);
          if (!states.keySet().equals(ids) || !states.values().stream().allMatch("ALIVE"::equals)) {
            return false;
          }
        }
        return true;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; expected " + ids + ", last seen " + last, e);
    }
  }

  /**
   * Every group's committed log is the same on every node: waits until the nodes agree on each
   * group's commit index (no writes run any more), then compares term, kind and payload checksum
   * at every index that two or more nodes still hold (earlier entries live only in snapshots).
   *
   * @return how many (index, node) pairs were compared per group
   */
  public static Map<String, Long> logsAgree(List<? extends NodeHandle> nodes, Duration timeout) {
    List<String> groups = new ArrayList<>();
    NodeHandle.Answer listed = nodes.get(0).callSurely("GET", "/v1/groups", null, timeout);
    assertEquals(200, listed.status(), nodes.get(0).name + " did not list its groups: " + listed.text());
    listed.body().forEach(g -> groups.add(g.path("name").asText()));
    Map<String, Long> compared = new TreeMap<>();
    for (String group : groups) {
      Map<String, Long> commits = new TreeMap<>();
      try {
        Await.until(group + ": every node at the same commit index", timeout, POLL, () -> {
          commits.clear();
          for (NodeHandle n : nodes) {
            NodeHandle.Answer a = n.get("/v1/groups");
            if (a.status() != 200) {
              return false;
            }
            for (JsonNode g : a.body()) {
              if (g.path("name").asText().equals(group)) {
                commits.put(n.name, g.path("commitIndex").asLong());
              }
            }
          }
          return commits.size() == nodes.size() && commits.values().stream().distinct().count() == 1;
        });
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; last seen " + commits, e);
      }
      long commit = commits.values().iterator().next();
      Map<Long, String> reference = new HashMap<>();
      Map<Long, String> referenceNode = new HashMap<>();
      long pairs = 0;
      for (NodeHandle n : nodes) {
        long next = 0; // the next index this node must hold, once its first page says where its log starts
        while (next <= commit) {
          long from = Math.max(1, next);
          NodeHandle.Answer a = n.callSurely("GET", "/v1/groups/" + group + "/log?from=" + from + "&limit=5000", null,
              timeout);
          assertEquals(200, a.status(), n.name + ": reading the log of " + group + ": " + a.text());
          if (next == 0) {
            next = a.body().path("from").asLong(); // raised past what it compacted into a snapshot
            if (next > commit) {
              break; // everything it holds is in its snapshot: nothing to compare
            }
          }
          JsonNode entries = a.body().path("entries");
          if (entries.isEmpty()) {
            throw new AssertionError(group + ": " + n.name + " holds committed entries only up to " + (next - 1)
                + ", below the commit index " + commit);
          }
          for (JsonNode e : entries) {
            long index = e.path("index").asLong();
            if (index != next) {
              throw new AssertionError(group + ": " + n.name + " returned index " + index + " where " + next
                  + " was due");
            }
            if (index > commit) {
              break;
            }
            next++;
            String fact = e.path("term").asLong() + "/" + e.path("kind").asText() + "/" + e.path("crc").asText();
            String before = reference.putIfAbsent(index, fact);
            if (before != null) {
              pairs++;
              if (!before.equals(fact)) {
                throw new AssertionError(group + ": the committed logs differ at index " + index + ": "
                    + referenceNode.get(index) + " holds " + before + ", " + n.name + " holds " + fact);
              }
            } else {
              referenceNode.put(index, n.name);
            }
          }
        }
      }
      if (nodes.size() > 1 && commit > 0 && pairs == 0) {
        throw new AssertionError(group + ": no index up to " + commit + " is held by two nodes: nothing was compared");
      }
      compared.put(group, pairs);
    }
    return compared;
  }
}
