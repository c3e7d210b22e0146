package dev.bourne.it.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bourne kv}: the replicated key/value store. */
@Command(name = "kv", mixinStandardHelpOptions = true,
    description = "Read and write the replicated key/value store (reads are linearizable unless --stale).",
    subcommands = {KvCommand.Get.class, KvCommand.Put.class, KvCommand.Cas.class, KvCommand.Delete.class,
        KvCommand.ListKeys.class})
final class KvCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A client request id, for writes that must apply once however often they are retried. */
  static final class RequestIdOptions {
    @Option(names = "--client", required = true, paramLabel = "ID",
        description = "Client id for an exactly-once write (with --seq).")
    String client;

    @Option(names = "--seq", required = true, paramLabel = "N",
        description = "The request's sequence number within the client (with --client).")
    long seq;

    Map<String, String> headers() {
      return Map.of("Bourne-Client-Id", client, "Bourne-Request-Seq", Long.toString(seq));
    }
  }

  /** {@code kv get KEY}. */
  @Command(name = "get", description = "Print a key's value (exit 1 if absent).")
  static final class Get extends ClientCommand {
    @Parameters(paramLabel = "KEY", description = "The key.")
    String key;

    @Option(names = "--stale", description = "Read this node's replica without the read barrier (may be stale).")
    boolean stale;

    @Option(names = "--show-version", description = "Print the key's version after the value.")
    boolean version;

    @Override
    ApiClient.Answer request(ApiClient client) throws ApiClient.Unreachable {
      return client.get(ApiClient.keyPath(key) + (stale ? "?stale" : ""));
    }

    @Override
    void print(ApiClient.Answer answer) {
      JsonNode n = answer.json();
      out().println(version ? n.path("value").asText() + "\t" + n.path("version").asLong() : n.path("value").asText());
    }
  }

  /** Writes that print the new version. */
  abstract static class Write extends ClientCommand {
    @ArgGroup(exclusive = false)
    RequestIdOptions request;

    Map<String, String> headers() {
      return request == null ? Map.of() : new LinkedHashMap<>(request.headers());
    }

    @Override
    void print(ApiClient.Answer answer) {
      out().println("version " + answer.json().path("version").asLong());
    }
  }

  /** {@code kv put KEY VALUE}. */
  @Command(name = "put",
      description = "Set a key (only if it is at --version, when given; --version 0: only if absent).")
  static final class Put extends Write {
    @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "The value (UTF-8 text).")
    String value;

    @Option(names = "--version", paramLabel = "V", description = "Write only if the key is at this version.")
    Long version;

    @Override
    ApiClient.Answer request(ApiClient client) throws ApiClient.Unreachable {
      return client.send("PUT", ApiClient.keyPath(key) + (version == null ? "" : "?version=" + version),
          value.getBytes(StandardCharsets.UTF_8), headers());
    }
  }

  /** {@code kv cas KEY VALUE --version V}. */
  @Command(name = "cas",
      description = "Compare and set: set a key only if it is at --version (0: only if absent); exit 1 on a conflict.")
  static final class Cas extends Write {
    @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "The value (UTF-8 text).")
    String value;

    @Option(names = "--version", required = true, paramLabel = "V", description = "The version the key must be at.")
    long version;

    @Override
    ApiClient.Answer request(ApiClient client) throws ApiClient.Unreachable {
      return client.send("PUT", ApiClient.keyPath(key) + "?version=" + version, value.getBytes(StandardCharsets.UTF_8),
          headers());
    }
  }

  /** {@code kv delete KEY}. */
  @Command(name = "delete",
      description = "Remove a key (only if it is at --version, when given); exit 1 if absent.")
  static final class Delete extends Write {
    @Parameters(paramLabel = "KEY", description = "The key.")
    String key;

    @Option(names = "--version", paramLabel = "V", description = "Remove only if the key is at this version.")
    Long version;

    @Override
    ApiClient.Answer request(ApiClient client) throws ApiClient.Unreachable {
      return client.send("DELETE", ApiClient.keyPath(key) + (version == null ? "" : "?version=" + version), null,
          headers());
    }
  }

  /** {@code kv list [PREFIX]}. */
  @Command(name = "list", description = "List keys by prefix, in order.")
  static final class ListKeys extends ClientCommand {
    @Parameters(arity = "0..1", paramLabel = "PREFIX", defaultValue = "", description = "The prefix (default: all keys).")
    String prefix;

    @Option(names = "--limit", defaultValue = "1000", description = "At most this many keys (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--stale", description = "Read this node's replicas without the read barrier.")
    boolean stale;

    @Override
    ApiClient.Answer request(ApiClient client) throws ApiClient.Unreachable {
      return client.get("/v1/kv?prefix=" + ApiClient.encode(prefix) + "&limit=" + limit + (stale ? "&stale" : ""));
    }

    @Override
    void print(ApiClient.Answer answer) {
      List<List<String>> rows = new ArrayList<>();
      JsonNode n = answer.json();
      for (JsonNode item : n.path("items")) {
        rows.add(List.of(item.path("key").asText(), item.path("version").asText(), item.path("value").asText()));
      }
      Output.table(out(), List.of("KEY", "VERSION", "VALUE"), rows);
      if (n.path("truncated").asBoolean()) {
        out().println("(more keys match; raise --limit)");
      }
    }
  }
}
