package dev.bourne.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bourne.common.testing.Await;
import dev.bourne.it.cluster.Campaign;
import dev.bourne.it.cluster.ClusterChecks;
import dev.bourne.it.cluster.NodeHandle;
import dev.bourne.it.cluster.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Membership churn under load, in four node containers: in each cycle a voter leaves gracefully, a
 * new node joins, a voter crashes and autopilot removes it, then it comes back as a learner; clients read and write
 * through every node all along. After the churn the history must be linearizable, the committed
 * logs the same on every node, and the directories the same live set.
 *
 * <p>The cycle repeats for at least 30 s ({@code -Dbourne.it.minutes=M}: M minutes);
 * {@code -Dbourne.it.seed=S} replays the workload's choices.
 */
class MembershipChurnIT {
  private static final Duration WAIT = Duration.ofSeconds(120);

  /** Each group's configuration as {@code node} sees it: member address to whether it votes. */
  private static Map<String, Map<String, Boolean>> rosters(NodeHandle node) {
    Map<String, Map<String, Boolean>> out = new TreeMap<>();
    NodeHandle.Answer a = node.get("/v1/groups");
    if (a.status() != 200) {
      return out;
    }
    for (JsonNode g : a.body()) {
      Map<String, Boolean> members = new TreeMap<>();
      g.path("members").forEach(m -> members.put(m.path("address").asText(), m.path("voter").asBoolean()));
      out.put(g.path("name").asText(), members);
    }
    return out;
  }

  /** Waits until every group, seen from {@code observer}, holds exactly {@code members}, three of them voters. */
  private static void awaitRosters(String what, NodeHandle observer, List<NodeContainer> members) {
    List<String> addresses = members.stream().map(NodeContainer::peerAddress).sorted().toList();
    Await.until(what, WAIT, Duration.ofMillis(200), () -> {
      Map<String, Map<String, Boolean>> r = rosters(observer);
      return r.size() == 3 && r.values().stream().allMatch(m -> List.copyOf(m.keySet()).equals(addresses)
          && m.values().stream().filter(v -> v).count() == Math.min(3, addresses.size()));
    });
  }

  /** The node that votes in the most groups. */
  private static NodeContainer mostVotes(NodeHandle observer, List<NodeContainer> among) {
    Map<String, Map<String, Boolean>> r = rosters(observer);
    NodeContainer best = among.get(0);
    long most = -1;
    for (NodeContainer n : among) {
      long votes = r.values().stream().filter(m -> Boolean.TRUE.equals(m.get(n.peerAddress()))).count();
      if (votes > most) {
        most = votes;
        best = n;
      }
    }
    return best;
  }

  @Test
  void leaveJoinCrashAndRejoinUnderLoad() throws Exception {
    long seed = Campaign.seed();
    String replay = "churn seed " + seed + " (replay: -Dbourne.it.seed=" + seed + ")";
    System.out.println(replay);
    try (ContainerCluster c = ContainerCluster.start("churn", 4, List.of("--request-timeout", "4s"))) {
      c.awaitReady(WAIT);
      List<NodeContainer> members = new ArrayList<>(c.running());
      awaitRosters("every group has 3 voters and 1 learner", members.get(0), members);
      Workload workload = new Workload(4, seed);
      workload.start(members, 2, System.nanoTime() + WAIT.toNanos() * 5);
      List<String> steps = new ArrayList<>();
      long t0 = System.nanoTime();
      long end = t0 + Campaign.seconds(30) * 1_000_000_000L;
      int cycle = 0;
      try {
        do {
          cycle++;
          NodeContainer leaver = mostVotes(members.get(0), members);
          leaver.stop(60);
          assertEquals(NodeContainer.SIGTERM_EXIT, leaver.exitCode(), leaver + " did not stop gracefully");
          members.remove(leaver);
          awaitRosters("autopilot removed the departed " + leaver + " and filled its seats", members.get(0), members);
          steps.add(String.format("%5.1f s: %s left (SIGTERM), removed from every group", seconds(t0), leaver));

          NodeContainer newcomer = c.add();
          members.add(newcomer);
          ContainerCluster.awaitReady(List.of(newcomer), WAIT);
          workload.start(List.of(newcomer), 2, System.nanoTime() + WAIT.toNanos() * 5);
          awaitRosters("the new " + newcomer + " joined every group", members.get(0), members);
          steps.add(String.format("%5.1f s: %s joined, in every group", seconds(t0), newcomer));

          NodeContainer crashed = mostVotes(members.get(0), members);
          crashed.kill();
          members.remove(crashed);
          awaitRosters("autopilot removed the crashed voter " + crashed, members.get(0), members);
          steps.add(String.format("%5.1f s: %s killed, removed by autopilot, its seats filled", seconds(t0), crashed));

          crashed.restart();
          members.add(crashed);
          ContainerCluster.awaitReady(List.of(crashed), WAIT);
          awaitRosters("the restarted " + crashed + " is back in every group", members.get(0), members);
          steps.add(String.format("%5.1f s: %s restarted, back in every group as a learner", seconds(t0), crashed));
        } while (System.nanoTime() < end);
      } finally {
        workload.stop(); // also when a step failed: no client outlives the test
      }
      workload.await(WAIT);
      workload.finalReads(members, WAIT);
      ClusterChecks.Summary summary = ClusterChecks.all(members, workload, WAIT, replay);
      System.out.printf("%s: %d churn cycles%n  %s%n%s%n", replay, cycle, String.join("\n  ", steps), summary);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
