package dev.bourne.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The after-run checks catch what they are for: logs that differ, directories that do not converge. */
class ClusterChecksTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SHORT = Duration.ofMillis(600);

  /** A node that answers from canned state instead of HTTP. */
  private static final class FakeNode extends NodeHandle {
    final String id;
    final List<String> log = new ArrayList<>(); // entry i+1 as "term/kind/crc"
    long firstIndex = 1;
    long gap; // an index this node's log lacks (0: none)
    final List<String[]> members = new ArrayList<>(); // {id, state}

    FakeNode(String name, String id) {
      super(name);
      this.id = id;
    }

    @Override
    public Answer call(String method, String path, String body, Map<String, String> headers) {
      if (path.equals("/v1/status")) {
        return answer(JSON.createObjectNode().put("id", id).put("ready", true));
      }
      if (path.equals("/v1/members")) {
        ArrayNode a = JSON.createArrayNode();
        members.forEach(m -> a.addObject().put("id", m[0]).put("state", m[1]));
        return answer(a);
      }
      if (path.equals("/v1/groups")) {
        ArrayNode a = JSON.createArrayNode();
        a.addObject().put("name", "g").put("commitIndex", log.size());
        return answer(a);
      }
      if (path.startsWith("/v1/groups/g/log?from=")) {
        long from = Math.max(firstIndex, Long.parseLong(path.substring(path.indexOf('=') + 1, path.indexOf('&'))));
        ObjectNode page = JSON.createObjectNode().put("from", from);
        ArrayNode entries = page.putArray("entries");
        for (long i = from; i <= log.size() && i < from + 3; i++) { // small pages: paging is exercised
          if (i == gap) {
            continue; // a hole in this node's log
          }
          String[] f = log.get((int) i - 1).split("/");
          entries.addObject().put("index", i).put("term", Long.parseLong(f[0])).put("kind", f[1]).put("crc", f[2]);
        }
        return answer(page);
      }
      return new Answer(404, null, "no " + path);
    }

    private static Answer answer(com.fasterxml.jackson.databind.JsonNode body) {
      return new Answer(200, body, body.toString());
    }

    @Override
    protected String httpHost() {
      return "fake";
    }

    @Override
    public int httpPort() {
      return 0;
    }

    @Override
    public boolean alive() {
      return true;
    }

    @Override
    public void kill() {}

    @Override
    public void restart() {}

    @Override
    public void pause() {}

    @Override
    public void resume() {}
  }

  private static List<FakeNode> nodesWithLog(String... entries) {
    List<FakeNode> nodes = List.of(new FakeNode("a", "id-a"), new FakeNode("b", "id-b"), new FakeNode("c", "id-c"));
    nodes.forEach(n -> n.log.addAll(List.of(entries)));
    return nodes;
  }

  @Test
  void equalLogsAgreeAndEveryCommonIndexIsCompared() {
    List<FakeNode> nodes = nodesWithLog("1/NOOP/0", "1/STD/aa", "1/STD/bb", "2/NOOP/0", "2/STD/cc", "2/STD/dd", "2/STD/ee");
    nodes.get(2).firstIndex = 5; // compacted below 5: only 5..7 left to compare
    Map<String, Long> compared = ClusterChecks.logsAgree(nodes, SHORT);
    assertEquals(Map.of("g", 7L + 3L), compared); // b repeats all 7 of a's indexes, c the last 3
  }

  @Test
  void aDifferentPayloadAtOneIndexIsNamed() {
    List<FakeNode> nodes = nodesWithLog("1/NOOP/0", "1/STD/aa", "1/STD/bb", "2/STD/cc");
    nodes.get(1).log.set(2, "1/STD/xx");
    AssertionError e = assertThrows(AssertionError.class, () -> ClusterChecks.logsAgree(nodes, SHORT));
    assertTrue(e.getMessage().contains("differ at index 3"), e.getMessage());
    assertTrue(e.getMessage().contains("1/STD/xx"), e.getMessage());
  }

  @Test
  void aDifferentTermAtOneIndexIsNamed() {
    List<FakeNode> nodes = nodesWithLog("1/NOOP/0", "1/STD/aa", "2/STD/bb");
    nodes.get(2).log.set(2, "3/STD/bb");
    AssertionError e = assertThrows(AssertionError.class, () -> ClusterChecks.logsAgree(nodes, SHORT));
    assertTrue(e.getMessage().contains("differ at index 3"), e.getMessage());
  }

  @Test
  void nodesThatNeverReachTheSameCommitIndexFail() {
    List<FakeNode> nodes = nodesWithLog("1/NOOP/0", "1/STD/aa");
    nodes.get(0).log.add("1/STD/bb");
    assertThrows(AssertionError.class, () -> ClusterChecks.logsAgree(nodes, SHORT));
  }

  @Test
  void aNodeWhoseLogHasAHoleOrEndsEarlyFails() {
    List<FakeNode> holed = nodesWithLog("1/NOOP/0", "1/STD/aa", "1/STD/bb", "2/STD/cc", "2/STD/dd");
    holed.get(1).gap = 2;
    AssertionError hole = assertThrows(AssertionError.class, () -> ClusterChecks.logsAgree(holed, SHORT));
    assertTrue(hole.getMessage().contains("returned index 3 where 2 was due"), hole.getMessage());
  }

  @Test
  void logsWithNoIndexInCommonCompareNothingAndFail() {
    List<FakeNode> nodes = nodesWithLog("1/NOOP/0", "1/STD/aa", "1/STD/bb");
    nodes.get(1).firstIndex = 4; // both hold nothing but their snapshots up to the commit index
    nodes.get(2).firstIndex = 4;
    nodes.get(0).firstIndex = 4;
    AssertionError e = assertThrows(AssertionError.class, () -> ClusterChecks.logsAgree(nodes, SHORT));
    assertTrue(e.getMessage().contains("nothing was compared"), e.getMessage());
  }

  @Test
  void directoriesConvergeOnlyWhenEveryNodeSeesEveryNodeAlive() {
    List<FakeNode> nodes = nodesWithLog();
    for (FakeNode n : nodes) {
      for (FakeNode m : nodes) {
        n.members.add(new String[] {m.id, "ALIVE"});
      }
    }
    ClusterChecks.directoriesConverge(nodes, SHORT);
    nodes.get(1).members.set(2, new String[] {"id-c", "SUSPECT"});
    AssertionError suspect = assertThrows(AssertionError.class, () -> ClusterChecks.directoriesConverge(nodes, SHORT));
    assertTrue(suspect.getMessage().contains("SUSPECT"), suspect.getMessage());
    nodes.get(1).members.set(2, new String[] {"id-c", "ALIVE"});
    nodes.get(0).members.add(new String[] {"id-gone", "ALIVE"});
    assertThrows(AssertionError.class, () -> ClusterChecks.directoriesConverge(nodes, SHORT));
  }
}
