package dev.bourne.it.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code bourne status}: the node's own state. */
@Command(name = "status",
    description = "Show the node's state: its id, addresses, whether it serves, its data groups.")
final class StatusCommand extends ClientCommand {
  @Override
  ApiClient.Answer request(ApiClient client) throws ApiClient.Unreachable {
    return client.get("/v1/status");
  }

  @Override
  void print(ApiClient.Answer answer) {
    JsonNode s = answer.json();
    List<String> groups = new ArrayList<>();
    s.path("dataGroups").forEach(g -> groups.add(g.asText()));
    Output.table(out(), List.of("FIELD", "VALUE"), List.of(
        List.of("id", s.path("id").asText()),
        List.of("address", s.path("address").asText()),
        List.of("http", s.path("http").asText()),
        List.of("ready", s.path("ready").asText()),
        List.of("data groups", groups.isEmpty() ? "-" : String.join(",", groups)),
        List.of("members alive", s.path("members").asText()),
        List.of("uptime", s.path("uptimeSeconds").asText() + " s")));
  }
}
