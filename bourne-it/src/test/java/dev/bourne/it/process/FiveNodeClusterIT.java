package dev.bourne.it.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bourne.common.testing.Await;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Five node processes started at once form every group by gossip (3 voters, 2 learners each),
 * serve through every node, and heal: a voter killed with SIGKILL is replaced by a learner
 * (autopilot), the data stays intact, and the restarted node rejoins as a learner.
 */
class FiveNodeClusterIT {
  private static final Duration WAIT = Duration.ofSeconds(120);

  /** Each group's members as one node reports them: group name to (member id to voter). */
  private static Map<String, Map<String, Boolean>> rosters(NodeProcess n) {
    Map<String, Map<String, Boolean>> out = new HashMap<>();
    NodeProcess.Answer a = n.get("/v1/groups");
    if (a.status() != 200) {
      return out;
    }
    for (JsonNode g : a.body()) {
      Map<String, Boolean> members = new HashMap<>();
      g.path("members").forEach(m -> members.put(m.path("id").asText(), m.path("voter").asBoolean()));
      out.put(g.path("name").asText(), members);
    }
    return out;
  }

  private static long voters(Map<String, Boolean> roster) {
    return roster.values().stream().filter(v -> v).count();
  }

  @Test
  void formsByGossipServesThroughEveryNodeAndReplacesAKilledVoter() throws Exception {
    try (ProcessCluster c = ProcessCluster.start("five-nodes", 5, List.of())) {
      c.awaitReady(WAIT);
      Await.until("every group has 3 voters and 2 learners", WAIT, () -> rosters(c.node(0)).values().stream()
          .allMatch(r -> r.size() == 5 && voters(r) == 3) && rosters(c.node(0)).size() == 3);
      for (int i = 0; i < 5; i++) {
        assertEquals(200, c.node(i).callSurely("PUT", "/v1/kv/five/" + i, "v" + i, WAIT).status());
      }
      for (int i = 0; i < 5; i++) {
        for (int k = 0; k < 5; k++) {
          NodeProcess.Answer a = c.node(i).callSurely("GET", "/v1/kv/five/" + k, null, WAIT);
          assertEquals("v" + k, a.body().path("value").asText(), "five/" + k + " through " + c.node(i));
        }
      }

      // The node that is a voter of the most groups (each group forms on its own, so they differ).
      NodeProcess victim = null;
      Set<String> victimIds = new HashSet<>();
      int most = 0;
      for (NodeProcess n : c.nodes) {
        Set<String> own = new HashSet<>();
        int votes = 0;
        for (JsonNode g : n.get("/v1/groups").body()) {
          for (JsonNode m : g.path("members")) {
            if (m.path("address").asText().equals(n.gossipAddress())) {
              own.add(m.path("id").asText());
              votes += m.path("voter").asBoolean() ? 1 : 0;
            }
          }
        }
        if (votes > most) {
          most = votes;
          victim = n;
          victimIds = own;
        }
      }
      assertTrue(victim != null && victimIds.size() == 3, "a voter, in all three groups");
      victim.kill();
      NodeProcess survivor = c.others(victim).get(0);
      Set<String> dead = victimIds;
      Await.until("autopilot replaced the killed voter in every group", WAIT, () -> rosters(survivor).values().stream()
          .allMatch(r -> voters(r) == 3 && dead.stream().noneMatch(id -> Boolean.TRUE.equals(r.get(id)))));
      for (NodeProcess n : c.others(victim)) {
        for (int k = 0; k < 5; k++) {
          NodeProcess.Answer a = n.callSurely("GET", "/v1/kv/five/" + k, null, WAIT);
          assertEquals("v" + k, a.body().path("value").asText(), "five/" + k + " through " + n + " after the kill");
        }
      }
      assertEquals(200, survivor.callSurely("PUT", "/v1/kv/five/after", "healed", WAIT).status());

      NodeProcess back = victim;
      back.start(c.others(back));
      c.awaitReady(WAIT);
      Await.until("the restarted node is back in every group as a learner", WAIT, () -> rosters(survivor).values()
          .stream().allMatch(r -> r.size() == 5 && voters(r) == 3 && dead.stream().anyMatch(id -> Boolean.FALSE.equals(r.get(id)))));
      assertEquals("healed", back.callSurely("GET", "/v1/kv/five/after", null, WAIT).body().path("value").asText());
    }
  }
}
