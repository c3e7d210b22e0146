package dev.bourne.it.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bourne.convoy.api.GossipKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bourne keyring}: the cluster's gossip encryption keys, changed on every active member at
 * once through one node. Each change prints every member's keys afterwards and fails (exit 1)
 * unless every active member answered.
 */
@Command(name = "keyring", mixinStandardHelpOptions = true,
    description = "List and change the cluster's gossip encryption keys on every member at once. "
        + "Rotate without downtime: 'keyring rotate NEW_KEY' (install, use, remove the old key).",
    subcommands = {KeyringCommand.ListKeys.class, KeyringCommand.Change.Install.class, KeyringCommand.Change.Use.class,
        KeyringCommand.Change.Remove.class, KeyringCommand.Change.Rotate.class, KeyringCommand.Generate.class})
final class KeyringCommand implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints a report: one row per member, and the members not asked. */
  static void printReport(java.io.PrintWriter out, JsonNode report) {
    List<List<String>> rows = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = report.path("keys").fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      List<String> fps = new ArrayList<>();
      e.getValue().forEach(k -> fps.add(k.asText()));
      rows.add(List.of(Output.shortId(e.getKey()), fps.isEmpty() ? "-" : fps.get(0),
          fps.size() > 1 ? String.join(",", fps.subList(1, fps.size())) : "-", "ok"));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = report.path("failures").fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      rows.add(List.of(Output.shortId(e.getKey()), "?", "?", e.getValue().asText()));
    }
    Output.table(out, List.of("MEMBER", "PRIMARY", "OTHER KEYS", "RESULT"), rows);
    if (report.path("notAsked").size() > 0) {
      List<String> ids = new ArrayList<>();
      report.path("notAsked").forEach(n -> ids.add(Output.shortId(n.asText())));
      out.println("not active, not changed (before they return, configure them with the new keys and "
          + "gossip-keyring-override): " + String.join(", ", ids));
      out.flush();
    }
  }

  /** {@code keyring list}. */
  @Command(name = "list", description = "Print every active member's keys (fingerprints, primary first).")
  static final class ListKeys extends ClientCommand {
    @Override
    ApiClient.Answer request(ApiClient client) throws ApiClient.Unreachable {
      return client.get("/v1/keyring");
    }

    @Override
    void print(ApiClient.Answer answer) {
      printReport(out(), answer.json());
    }
  }

  /** A change of one key on every member. */
  abstract static class Change extends ClientCommand {
    @Parameters(paramLabel = "KEY", arity = "0..1",
        description = "The key, base64 (16, 24 or 32 bytes). A key given here shows in the process list: "
            + "prefer --key-file.")
    String key;

    @Option(names = "--key-file", paramLabel = "FILE",
        description = "Read the key (base64) from FILE, or from standard input if FILE is '-', instead of KEY.")
    Path keyFile;

    abstract String op();

    /** The key from KEY or --key-file (exactly one of them). */
    private String key() {
      if ((key == null) == (keyFile == null)) {
        throw new IllegalArgumentException("give the key either as KEY or with --key-file, not " + (key == null
            ? "neither" : "both"));
      }
      if (key != null) {
        return key;
      }
      try {
        byte[] bytes = keyFile.toString().equals("-") ? System.in.readAllBytes() : Files.readAllBytes(keyFile);
        return new String(bytes, StandardCharsets.US_ASCII).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --key-file " + keyFile + ": " + e.getMessage());
      }
    }

    @Override
    ApiClient.Answer request(ApiClient client) throws ApiClient.Unreachable {
      String key;
      try {
        key = key();
        GossipKey.parse(key); // a bad key fails here, before any member is asked
      } catch (IllegalArgumentException e) {
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("code", "BAD_REQUEST").put("message", "KEY: " + e.getMessage());
        return new ApiClient.Answer(400, error.toString());
      }
      ObjectNode body = JSON.createObjectNode().put("key", key);
      ApiClient.Answer a = client.send("POST", "/v1/keyring/" + op(), body.toString().getBytes(StandardCharsets.UTF_8),
          Map.of("Content-Type", "application/json"));
      if (!a.ok() && a.json().has("report")) {
        printReport(err(), a.json().path("report"));
      }
      return a;
    }

    @Override
    void print(ApiClient.Answer answer) {
      printReport(out(), answer.json());
    }

    /** {@code keyring install KEY}. */
    @Command(name = "install", description = "Add KEY on every active member (it decrypts; the primary still encrypts).")
    static final class Install extends Change {
      @Override
      String op() {
        return "install";
      }
    }

    /** {@code keyring use KEY}. */
    @Command(name = "use", description = "Make KEY the primary everywhere (refused unless every member holds it).")
    static final class Use extends Change {
      @Override
      String op() {
        return "use";
      }
    }

    /** {@code keyring remove KEY}. */
    @Command(name = "remove", description = "Remove KEY everywhere (refused while it is any member's primary).")
    static final class Remove extends Change {
      @Override
      String op() {
        return "remove";
      }
    }

    /** {@code keyring rotate KEY}. */
    @Command(name = "rotate", description = "Install KEY, make it the primary, then remove the old primary; "
        + "stops at the first step not done on every active member.")
    static final class Rotate extends Change {
      @Override
      String op() {
        return "rotate";
      }
    }
  }

  /** {@code keyring generate}: a new key, made here. */
  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Print a new random 32-byte key (AES-256), base64. Asks no node.")
  static final class Generate implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println(GossipKey.generate(new SecureRandom()).toBase64());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
