package dev.bourne.it.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code bourne groups}: each Kayak group the node takes part in. */
@Command(name = "groups",
    description = "List the Raft groups the node takes part in: its role, the leader, voters, learners, "
        + "commit, applied and snapshot indexes.")
final class GroupsCommand extends ClientCommand {
  @Override
  ApiClient.Answer request(ApiClient client) throws ApiClient.Unreachable {
    return client.get("/v1/groups");
  }

  @Override
  void print(ApiClient.Answer answer) {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode g : answer.json()) {
      int voters = 0;
      int learners = 0;
      for (JsonNode m : g.path("members")) {
        if (m.path("voter").asBoolean()) {
          voters++;
        } else {
          learners++;
        }
      }
      rows.add(List.of(g.path("name").asText(), Output.text(g.get("role")), g.path("term").asText(),
          Output.shortId(g.path("leader").isNull() ? "-" : g.path("leader").asText("-")), String.valueOf(voters),
          String.valueOf(learners), g.path("commitIndex").asText(), g.path("appliedIndex").asText(),
          g.path("snapshotIndex").asText(), g.path("keys").asText()));
    }
    Output.table(out(), List.of("GROUP", "ROLE", "TERM", "LEADER", "VOTERS", "LEARNERS", "COMMIT", "APPLIED",
        "SNAPSHOT", "KEYS"), rows);
  }
}
