package dev.bourne.it.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code bourne members}: the Convoy directory with each member's health. */
@Command(name = "members",
    description = "List the members in the node's gossip directory, with their health.")
final class MembersCommand extends ClientCommand {
  @Override
  ApiClient.Answer request(ApiClient client) throws ApiClient.Unreachable {
    return client.get("/v1/members");
  }

  @Override
  void print(ApiClient.Answer answer) {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode m : answer.json()) {
      rows.add(List.of(Output.shortId(m.path("id").asText()), m.path("address").asText(), m.path("state").asText(),
          m.path("incarnation").asText()));
    }
    Output.table(out(), List.of("ID", "ADDRESS", "STATE", "INCARNATION"), rows);
  }
}
