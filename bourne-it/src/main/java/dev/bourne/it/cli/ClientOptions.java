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

  ApiClient client() {
    return new ApiClient(addr, Duration.ofSeconds(Math.max(1, timeoutSeconds)));
  }
}
