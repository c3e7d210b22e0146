package dev.bourne.it.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bourne.common.config.ConfigException;
import dev.bourne.common.config.Settings;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.GossipEncryption;
import dev.bourne.convoy.api.GossipKey;
import dev.bourne.convoy.api.GossipSecurity;
import dev.bourne.it.http.HttpLimits;
import dev.bourne.net.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a {@link NodeConfig} from a JSON configuration file and command-line flags, flags winning.
 * Both use the same keys ({@code data-dir} in the file is {@code --data-dir} on the command line);
 * an unknown key, a value of the wrong type or out of range fails with a {@link ConfigException}
 * that names the key, the value and the reason.
 *
 * <pre>{"bind": "127.0.0.1:7001", "join": ["127.0.0.1:7002"], "expect": 3, "data-dir": "/var/lib/bourne",
 *  "http": "127.0.0.1:8501"}</pre>
 */
public final class NodeConfigLoader {
  /** Every key a configuration file or the flags may set. */
  public static final List<String> KEYS = List.of("bind", "advertise", "join", "expect", "data-dir", "http",
      "http-max-connections", "http-max-connections-per-address", "http-idle-timeout",
      "data-groups", "gossip", "stabilization", "dead-after", "snapshot-every", "request-timeout", "cluster-name",
      "gossip-encryption", "gossip-keys", "gossip-key-file", "gossip-keyring-override", "http-token", "http-token-file",
      "tls-cert-chain", "tls-private-key", "tls-trusted-certs", "tls-reload", "tls-bind-identity");

  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeConfigLoader() {}

  /**
   * The configuration from {@code file} (if given) overridden by {@code flags} (key to text; a
   * {@code join} flag holds addresses separated by commas).
   *
   * @throws ConfigException for an unreadable file, an unknown key or a bad value
   */
  public static NodeConfig load(Optional<Path> file, Map<String, String> flags) {
    Map<String, String> values = new LinkedHashMap<>();
    if (file.isPresent()) {
      values.putAll(readFile(file.get()));
    }
    for (Map.Entry<String, String> e : flags.entrySet()) {
      checkKnown(e.getKey(), "flag --" + e.getKey());
      values.put(e.getKey(), e.getValue());
    }
    Settings s = Settings.of(values);
    if (!s.has("data-dir")) {
      throw new ConfigException("data-dir", null, "is required (where the node keeps its identity, logs and snapshots)");
    }
    NodeConfig.Builder b = NodeConfig.builder(path(s.string("data-dir", "")));
    NodeConfig defaults = b.build();
    b.bind(s.address("bind", defaults.bind()))
        .join(addresses(s.string("join", "")))
        .expect(s.integer("expect", defaults.expect()))
        .http(s.address("http", defaults.http()))
        .httpLimits(httpLimits(s, defaults.httpLimits()))
        .dataGroups(s.integer("data-groups", defaults.dataGroups()))
        .gossip(s.string("gossip", defaults.gossip()).strip())
        .stabilization(s.duration("stabilization", defaults.stabilization()))
        .deadAfter(s.duration("dead-after", defaults.deadAfter()))
        .snapshotEvery(s.integer("snapshot-every", (int) defaults.snapshotEvery()))
        .requestTimeout(s.duration("request-timeout", defaults.requestTimeout()));
    if (s.has("advertise")) {
      b.advertise(s.address("advertise", null));
    }
    b.security(security(s));
    return b.build();
  }

  /**
   * The security keys. Keys come from {@code gossip-keys} (base64, primary first, separated by
   * commas) or {@code gossip-key-file} (one base64 key per line, primary first), not both; with keys,
   * {@code gossip-encryption} defaults to {@code require}. The token comes from {@code http-token}
   * or {@code http-token-file}, not both.
   */
  private static NodeSecurity security(Settings s) {
    if (s.has("gossip-keys") && s.has("gossip-key-file")) {
      throw new ConfigException("gossip-keys", "(hidden)", "give gossip-keys or gossip-key-file, not both");
    }
    List<GossipKey> keys = new ArrayList<>();
    String keyText = s.has("gossip-key-file") ? readSecret(s, "gossip-key-file").replace('\n', ',')
        : s.string("gossip-keys", "");
    String keyKey = s.has("gossip-key-file") ? "gossip-key-file" : "gossip-keys";
    for (String part : keyText.split(",")) {
      if (!part.isBlank()) {
        try {
          keys.add(GossipKey.parse(part.strip()));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(keyKey, "(hidden)", e.getMessage());
        }
      }
    }
    String mode = s.string("gossip-encryption", keys.isEmpty() ? "off" : "require").strip();
    GossipEncryption encryption;
    try {
      encryption = GossipEncryption.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("gossip-encryption", mode, "must be one of off, accept, encrypt, require");
    }
    GossipSecurity gossip;
    try {
      gossip = new GossipSecurity(s.string("cluster-name", "").strip(), encryption, keys,
          s.bool("gossip-keyring-override", false));
    } catch (ConfigException e) {
      // The library names its own fields; say it with this file's keys.
      String key = switch (e.key()) {
        case "security.clusterName" -> "cluster-name";
        case "security.encryption" -> "gossip-encryption";
        default -> keyKey;
      };
      throw new ConfigException(key, "(see message)", e.getMessage());
    }
    if (s.has("http-token") && s.has("http-token-file")) {
      throw new ConfigException("http-token", "(hidden)", "give http-token or http-token-file, not both");
    }
    Optional<String> token = s.has("http-token-file") ? Optional.of(readSecret(s, "http-token-file").strip())
        : s.has("http-token") ? Optional.of(s.string("http-token", "").strip()) : Optional.empty();
    return new NodeSecurity(gossip, token, tls(s));
  }

  /** The HTTP limits; the per-address one defaults to the total when only a smaller total is given. */
  private static HttpLimits httpLimits(Settings s, HttpLimits defaults) {
    int total = s.integer("http-max-connections", defaults.maxConnections());
    int perAddress = s.integer("http-max-connections-per-address", Math.min(total, defaults.maxConnectionsPerAddress()));
    return new HttpLimits(total, perAddress, s.duration("http-idle-timeout", defaults.idleTimeout()));
  }

  /**
   * TLS from the three PEM files (all or none), checked again every {@code tls-reload} (default
   * 1m); with {@code tls-bind-identity}, the certificate names the node (its CN is the node's id).
   */
  private static Optional<TlsConfig> tls(Settings s) {
    List<String> keys = List.of("tls-cert-chain", "tls-private-key", "tls-trusted-certs");
    long given = keys.stream().filter(s::has).count();
    if (given == 0) {
      for (String dependent : List.of("tls-reload", "tls-bind-identity")) {
        if (s.has(dependent)) {
          throw new ConfigException(dependent, s.string(dependent, ""),
              "needs tls-cert-chain, tls-private-key and tls-trusted-certs");
        }
      }
      return Optional.empty();
    }
    for (String k : keys) {
      if (!s.has(k)) {
        throw new ConfigException(k, null, "is required with the other tls- settings");
      }
    }
    TlsConfig tls;
    try {
      tls = TlsConfig.pem(Path.of(s.string("tls-cert-chain", "")), Path.of(s.string("tls-private-key", "")),
          Path.of(s.string("tls-trusted-certs", "")));
    } catch (ConfigException e) {
      String key = switch (e.key()) {
        case "net.tls.cert-chain" -> "tls-cert-chain";
        case "net.tls.private-key" -> "tls-private-key";
        default -> "tls-trusted-certs";
      };
      throw new ConfigException(key, s.string(key, ""), "is not a readable file");
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException("tls-cert-chain", e.getInput(), "not a valid path: " + e.getReason());
    }
    java.time.Duration reload = s.duration("tls-reload", java.time.Duration.ofMinutes(1));
    if (reload.isZero() || reload.isNegative()) {
      throw new ConfigException("tls-reload", reload, "must be positive");
    }
    tls = tls.reloadingEvery(reload);
    if (!s.bool("tls-bind-identity", false)) {
      return Optional.of(tls);
    }
    TlsConfig bound = tls.bindingIdentity();
    try {
      bound.certifiedId(); // checked here, so that a wrong certificate is a configuration error
    } catch (ConfigException e) {
      throw new ConfigException("tls-bind-identity", "true", e.getMessage());
    }
    return Optional.of(bound);
  }

  private static String readSecret(Settings s, String key) {
    String file = s.string(key, "");
    try {
      return Files.readString(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException(key, file, "no such file");
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw new ConfigException(key, file, "cannot be read: " + e.getMessage());
    }
  }

  private static Path path(String text) {
    if (text.isBlank()) {
      throw new ConfigException("data-dir", text, "must not be empty");
    }
    try {
      return Path.of(text);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException("data-dir", text, "not a valid path: " + e.getReason());
    }
  }

  private static List<HostPort> addresses(String text) {
    List<HostPort> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        out.add(HostPort.parse(part.strip()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("join", part.strip(), e.getMessage());
      }
    }
    return out;
  }

  private static Map<String, String> readFile(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException("config", file, "no such file");
    } catch (JsonProcessingException e) {
      throw new ConfigException("config", file, "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("config", file, "cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("config", file, "must hold a JSON object of settings");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      checkKnown(key, "key '" + key + "' in " + file);
      JsonNode v = e.getValue();
      if (key.equals("join") && v.isArray()) {
        List<String> parts = new ArrayList<>();
        v.forEach(a -> parts.add(scalar(key, a)));
        values.put(key, String.join(",", parts));
      } else {
        values.put(key, scalar(key, v));
      }
    }
    return values;
  }

  private static String scalar(String key, JsonNode v) {
    if (!v.isValueNode() || v.isNull()) {
      // Never echo a secret: a list of keys given where one string belongs would show them all.
      boolean secret = key.equals("gossip-keys") || key.equals("http-token");
      throw new ConfigException(key, secret ? "(hidden)" : v, "must be a string or a number"
          + (key.equals("gossip-keys") ? " (the keys, base64, separated by commas)" : ""));
    }
    return v.asText();
  }

  private static void checkKnown(String key, String where) {
    if (!KEYS.contains(key)) {
      throw new ConfigException(key, null, "unknown " + where + "; known keys: " + String.join(", ", KEYS));
    }
  }
}
