package dev.bourne.it.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of every command that talks to a node. */
final class ClientOptions {
  @Option(names = "--addr", paramLabel = "HOST:PORT", defaultValue = "${env:BOURNE_HTTP_ADDR:-127.0.0.1:8500}",
      description = "The node's HTTP API (default: $BOURNE_HTTP_ADDR or ${DEFAULT-VALUE}).")
  String addr;

  // Help only: the kv commands use --version for the key's version, so no standard --version here.
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--json", description = "Print the node's JSON answer as is, for scripts.")
  boolean json;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "15",
      description = "How long to wait for the node (default: ${DEFAULT-VALUE} s).")
  int timeoutSeconds;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "A file holding the node's HTTP token, for writes and admin calls (default: $BOURNE_HTTP_TOKEN).")
  java.nio.file.Path tokenFile;

  @Option(names = "--ca-file", paramLabel = "FILE",
      description = "PEM certificates to trust for an https:// --addr (default: the JDK's trust store).")
  java.nio.file.Path caFile;

  ApiClient client() {
    return new ApiClient(addr, Duration.ofSeconds(Math.max(1, timeoutSeconds)), token(),
        java.util.Optional.ofNullable(caFile));
  }

  /** The token from --token-file, else $BOURNE_HTTP_TOKEN, else none. Never a flag's text: that would show in ps. */
  private java.util.Optional<String> token() {
    if (tokenFile != null) {
      try {
        return java.util.Optional.of(java.nio.file.Files.readString(tokenFile).strip());
      } catch (java.io.IOException e) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
            "cannot read --token-file " + tokenFile + ": " + e.getMessage());
      }
    }
    String env = System.getenv("BOURNE_HTTP_TOKEN");
    return env == null || env.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(env.strip());
  }
}
