package dev.bourne.it.cli;

import dev.bourne.common.config.ConfigException;
import dev.bourne.it.node.Node;
import dev.bourne.it.node.NodeConfig;
import dev.bourne.it.node.NodeConfigLoader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bourne agent}: runs a node until SIGTERM or SIGINT, which stop it gracefully. Settings
 * come from {@code --config} (a JSON file) and the flags, flags winning; a bad value stops it at
 * once with exit code 2 and a message naming the setting.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = {"Run a node: a gossip member, the Raft groups formed from the gossip directory, and the "
        + "key/value HTTP API. Stops gracefully on SIGTERM or SIGINT (leaves the gossip group); a SIGKILL loses "
        + "no acknowledged write.",
        "Settings come from --config FILE (JSON with the same keys as the flags, e.g. {\"data-dir\": \"d\", "
            + "\"expect\": 3}) and the flags; flags win."})
final class AgentCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "A JSON file of settings.")
  Path config;

  @Option(names = "--bind", paramLabel = "HOST:PORT", description = "Where gossip and Raft listen (default 127.0.0.1:7946).")
  String bind;

  @Option(names = "--advertise", paramLabel = "HOST:PORT", description = "The address peers reach this node at, if not --bind.")
  String advertise;

  @Option(names = "--join", paramLabel = "HOST:PORT", split = ",",
      description = "Members to join through (repeat or separate with commas); none for the first node.")
  List<String> join;

  @Option(names = "--expect", paramLabel = "N",
      description = "Voters each group bootstraps with once N nodes are alive (default 3).")
  String expect;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the node keeps its identity, logs and snapshots (required).")
  String dataDir;

  @Option(names = "--http", paramLabel = "HOST:PORT", description = "Where the HTTP API listens (default 127.0.0.1:8500).")
  String http;

  @Option(names = "--data-groups", paramLabel = "N",
      description = "Data groups the keys spread over, if this node writes the cluster's shard map (default 2).")
  String dataGroups;

  @Option(names = "--gossip", paramLabel = "PROFILE", description = "Gossip timings: lan (default), wan or local.")
  String gossip;

  @Option(names = "--stabilization", paramLabel = "DURATION",
      description = "How long a learner stays healthy before it is promoted (default 10s).")
  String stabilization;

  @Option(names = "--dead-after", paramLabel = "DURATION",
      description = "How long a failed member stays failed before it is removed from its groups (default 30s).")
  String deadAfter;

  @Option(names = "--snapshot-every", paramLabel = "N", description = "Snapshot each group every N entries (default 10000).")
  String snapshotEvery;

  @Option(names = "--request-timeout", paramLabel = "DURATION", description = "Deadline of each request (default 10s).")
  String requestTimeout;

  @Option(names = "--cluster-name", paramLabel = "NAME",
      description = "The cluster's name, carried by every gossip message; others' messages are dropped (default: empty).")
  String clusterName;

  @Option(names = "--gossip-key-file", paramLabel = "FILE",
      description = "Gossip encryption keys, base64, one per line, primary first (keys as text only in --config, "
          + "never as a flag: flags show in ps).")
  String gossipKeyFile;

  @Option(names = "--gossip-encryption", paramLabel = "STEP",
      description = "off, accept, encrypt or require: the rollout steps from plaintext (default: require with keys, else off).")
  String gossipEncryption;

  @Option(names = "--gossip-keyring-override",
      description = "Let the configured keys replace the keyring persisted in the data directory (which wins otherwise).")
  boolean gossipKeyringOverride;

  @Option(names = "--http-token-file", paramLabel = "FILE",
      description = "A file holding the token HTTP writes and admin calls must bring as 'Authorization: Bearer'.")
  String httpTokenFile;

  @Option(names = "--tls-cert-chain", paramLabel = "FILE",
      description = "This node's certificate chain (PEM): mutual TLS between nodes, and HTTPS for the API.")
  String tlsCertChain;

  @Option(names = "--tls-private-key", paramLabel = "FILE", description = "This node's private key (PKCS#8 PEM).")
  String tlsPrivateKey;

  @Option(names = "--tls-trusted-certs", paramLabel = "FILE",
      description = "The certificates (usually one CA, PEM) whose holders may connect as nodes.")
  String tlsTrustedCerts;

  @Option(names = "--tls-reload", paramLabel = "DURATION",
      description = "How often the TLS files are checked for renewal (default 1m).")
  String tlsReload;

  @Option(names = "--tls-bind-identity",
      description = "The certificate names the node: its common name (a UUID) is the node's id, and peers refuse "
          + "messages that claim an id their certificate does not name.")
  boolean tlsBindIdentity;

  @Option(names = "--http-max-connections", paramLabel = "N",
      description = "HTTP connections open at once (default 1024).")
  String httpMaxConnections;

  @Option(names = "--http-max-connections-per-address", paramLabel = "N",
      description = "HTTP connections open at once from one IP address (default 64, at most --http-max-connections).")
  String httpMaxConnectionsPerAddress;

  @Option(names = "--http-idle-timeout", paramLabel = "DURATION",
      description = "How long an HTTP connection may stay silent before it is closed (default 60s).")
  String httpIdleTimeout;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    NodeConfig cfg;
    try {
      cfg = NodeConfigLoader.load(Optional.ofNullable(config), flags());
    } catch (ConfigException e) {
      err.println("error BAD_CONFIG: " + e.getMessage());
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }
    Node node;
    try {
      node = Node.start(cfg);
    } catch (UncheckedIOException | ConfigException e) {
      err.println("error START_FAILED: " + e.getMessage());
      err.flush();
      return Bourne.EXIT_REFUSED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    int[] exit = {0};
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stopped.countDown();
    }, "agent-stop"));
    out.println("node " + node.convoy().id() + " gossip+raft on " + node.address() + ", HTTP on http://"
        + node.httpAddress() + (cfg.join().isEmpty() ? ", first node" : ", joining through " + cfg.join()));
    out.flush();
    node.ready().whenComplete((v, e) -> {
      if (e == null) {
        out.println("node ready: serving the key/value API");
      } else if (!(e instanceof dev.bourne.common.error.ClosedException)) {
        // It cannot serve (for example: its groups belong to another cluster): stop rather than answer 503 forever.
        err.println("error NOT_READY: the node cannot join its groups: " + e.getMessage());
        err.flush();
        exit[0] = Bourne.EXIT_REFUSED;
        node.close();
        stopped.countDown();
      }
      out.flush();
    });
    stopped.await();
    return exit[0];
  }

  private Map<String, String> flags() {
    Map<String, String> m = new LinkedHashMap<>();
    put(m, "bind", bind);
    put(m, "advertise", advertise);
    if (join != null) {
      m.put("join", String.join(",", join));
    }
    put(m, "expect", expect);
    put(m, "data-dir", dataDir);
    put(m, "http", http);
    put(m, "data-groups", dataGroups);
    put(m, "gossip", gossip);
    put(m, "stabilization", stabilization);
    put(m, "dead-after", deadAfter);
    put(m, "snapshot-every", snapshotEvery);
    put(m, "request-timeout", requestTimeout);
    put(m, "cluster-name", clusterName);
    put(m, "gossip-key-file", gossipKeyFile);
    put(m, "gossip-encryption", gossipEncryption);
    if (gossipKeyringOverride) {
      m.put("gossip-keyring-override", "true");
    }
    put(m, "http-token-file", httpTokenFile);
    put(m, "tls-cert-chain", tlsCertChain);
    put(m, "tls-private-key", tlsPrivateKey);
    put(m, "tls-trusted-certs", tlsTrustedCerts);
    put(m, "tls-reload", tlsReload);
    if (tlsBindIdentity) {
      m.put("tls-bind-identity", "true");
    }
    put(m, "http-max-connections", httpMaxConnections);
    put(m, "http-max-connections-per-address", httpMaxConnectionsPerAddress);
    put(m, "http-idle-timeout", httpIdleTimeout);
    return m;
  }

  private static void put(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
