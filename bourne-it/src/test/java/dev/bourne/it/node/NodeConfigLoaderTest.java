package dev.bourne.it.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.config.ConfigException;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.GossipKey;
import dev.bourne.it.http.HttpLimits;
import dev.bourne.net.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigLoaderTest {
  @TempDir
  Path dir;

  private static ConfigException bad(Map<String, String> flags, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> NodeConfigLoader.load(Optional.empty(), flags));
    assertEquals(key, e.key(), e.getMessage());
    return e;
  }

  @Test
  void flagsOverrideTheFileAndDefaultsFillTheRest() throws Exception {
    Path file = dir.resolve("node.json");
    Files.writeString(file, "{\"data-dir\": \"/tmp/a\", \"expect\": 5, \"join\": [\"127.0.0.1:7001\", \"127.0.0.1:7002\"],"
        + " \"dead-after\": \"2m\", \"http\": \"127.0.0.1:9000\"}");
    NodeConfig c = NodeConfigLoader.load(Optional.of(file), Map.of("expect", "3", "bind", "127.0.0.1:7005"));
    assertEquals(3, c.expect());
    assertEquals(new HostPort("127.0.0.1", 7005), c.bind());
    assertEquals(List.of(new HostPort("127.0.0.1", 7001), new HostPort("127.0.0.1", 7002)), c.join());
    assertEquals(Duration.ofMinutes(2), c.deadAfter());
    assertEquals(Path.of("/tmp/a"), c.dataDir());
    assertEquals(2, c.dataGroups());
    assertEquals("lan", c.gossip());
  }

  @Test
  void badValuesNameTheirKey() throws Exception {
    bad(Map.of("expect", "3"), "data-dir");
    bad(Map.of("data-dir", "d", "expect", "0"), "expect");
    bad(Map.of("data-dir", "d", "expect", "three"), "expect");
    bad(Map.of("data-dir", "d", "bind", "localhost"), "bind");
    bad(Map.of("data-dir", "d", "join", "127.0.0.1:7001,nope:"), "join");
    bad(Map.of("data-dir", "d", "gossip", "fast"), "gossip");
    bad(Map.of("data-dir", "d", "dead-after", "soon"), "dead-after");
    bad(Map.of("data-dir", "d", "data-groups", "65"), "data-groups");
    bad(Map.of("data-dir", "d", "bind", "0.0.0.0:7000"), "advertise");
    bad(Map.of("data-dir", "d", "bind", "127.0.0.1:7000", "http", "127.0.0.1:7000"), "http");
    ConfigException unknown = bad(Map.of("data-dir", "d", "colour", "blue"), "colour");
    assertTrue(unknown.getMessage().contains("known keys"), unknown.getMessage());
  }

  @Test
  void aBadFileIsNamedWithWhatIsWrong() throws Exception {
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"data-dir\": ");
    ConfigException e = assertThrows(ConfigException.class, () -> NodeConfigLoader.load(Optional.of(broken), Map.of()));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    Path unknown = dir.resolve("unknown.json");
    Files.writeString(unknown, "{\"data-dir\": \"d\", \"expext\": 3}");
    e = assertThrows(ConfigException.class, () -> NodeConfigLoader.load(Optional.of(unknown), Map.of()));
    assertEquals("expext", e.key());
    Path nested = dir.resolve("nested.json");
    Files.writeString(nested, "{\"data-dir\": {\"a\": 1}}");
    e = assertThrows(ConfigException.class, () -> NodeConfigLoader.load(Optional.of(nested), Map.of()));
    assertEquals("data-dir", e.key());
    e = assertThrows(ConfigException.class, () -> NodeConfigLoader.load(Optional.of(dir.resolve("none.json")), Map.of()));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void securityComesFromKeysOrAKeyFileAndATokenFile() throws Exception {
    GossipKey k1 = GossipKey.generate(new java.security.SecureRandom());
    GossipKey k2 = GossipKey.generate(new java.security.SecureRandom());
    Path keys = dir.resolve("keys");
    Files.writeString(keys, k1.toBase64() + "\n" + k2.toBase64() + "\n");
    Path token = dir.resolve("token");
    Files.writeString(token, "a-long-enough-token-1234\n");
    NodeConfig c = NodeConfigLoader.load(Optional.empty(), Map.of("data-dir", "/tmp/a", "cluster-name", "prod-1",
        "gossip-key-file", keys.toString(), "http-token-file", token.toString()));
    assertEquals("prod-1", c.security().gossip().clusterName());
    assertEquals(List.of(k1, k2), c.security().gossip().keys());
    assertEquals(dev.bourne.convoy.api.GossipEncryption.REQUIRE, c.security().gossip().encryption(), "keys mean require");
    assertEquals(Optional.of("a-long-enough-token-1234"), c.security().httpToken());
    assertTrue(!c.security().toString().contains("a-long-enough") && !c.toString().contains(k1.toBase64()),
        "secrets never show in the configuration's text");
    NodeConfig rollout = NodeConfigLoader.load(Optional.empty(), Map.of("data-dir", "/tmp/a",
        "gossip-keys", k1.toBase64(), "gossip-encryption", "accept"));
    assertEquals(dev.bourne.convoy.api.GossipEncryption.ACCEPT, rollout.security().gossip().encryption());
    assertEquals(dev.bourne.convoy.api.GossipEncryption.OFF,
        NodeConfigLoader.load(Optional.empty(), Map.of("data-dir", "/tmp/a")).security().gossip().encryption());
  }

  @Test
  void badSecuritySettingsNameTheirKey() {
    bad(Map.of("data-dir", "/tmp/a", "cluster-name", "two words"), "cluster-name");
    bad(Map.of("data-dir", "/tmp/a", "gossip-keys", "not-base64!"), "gossip-keys");
    bad(Map.of("data-dir", "/tmp/a", "gossip-keys", "AAAA"), "gossip-keys");
    bad(Map.of("data-dir", "/tmp/a", "gossip-encryption", "require"), "gossip-keys");
    bad(Map.of("data-dir", "/tmp/a", "gossip-encryption", "sometimes"), "gossip-encryption");
    bad(Map.of("data-dir", "/tmp/a", "gossip-key-file", dir.resolve("none").toString()), "gossip-key-file");
    bad(Map.of("data-dir", "/tmp/a", "http-token", "short"), "http-token");
    ConfigException e = bad(Map.of("data-dir", "/tmp/a", "http-token", "x".repeat(20), "http-token-file", "/tmp/t"),
        "http-token");
    assertTrue(e.getMessage().contains("not both"), e.getMessage());
  }

  @Test
  void tlsNeedsAllThreeFilesAndTheyMustBeReadable() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Files.writeString(cert, "x");
    bad(Map.of("data-dir", "/tmp/a", "tls-cert-chain", cert.toString()), "tls-private-key");
    bad(Map.of("data-dir", "/tmp/a", "tls-cert-chain", cert.toString(), "tls-private-key", cert.toString(),
        "tls-trusted-certs", dir.resolve("none.pem").toString()), "tls-trusted-certs");
    bad(Map.of("data-dir", "/tmp/a", "tls-reload", "30s"), "tls-reload");
    NodeConfig c = NodeConfigLoader.load(Optional.empty(), Map.of("data-dir", "/tmp/a", "tls-cert-chain", cert.toString(),
        "tls-private-key", cert.toString(), "tls-trusted-certs", cert.toString(), "tls-reload", "30s"));
    assertEquals(Optional.of(Duration.ofSeconds(30)), c.security().tls().orElseThrow().reloadEvery());
  }

  @Test
  void aBoundIdentityNeedsACertificateNamingAMemberId() {
    String id = "E621E1F8-C36C-495A-93FC-0C247A3E6E5F"; // upper case, as macOS uuidgen prints it
    try (TestCertificates certs = new TestCertificates(dir, List.of(id, "node1.example"))) {
      Map<String, String> named = Map.of("data-dir", "/tmp/a", "tls-bind-identity", "true",
          "tls-cert-chain", certs.tls("node1.example").certChain().orElseThrow().toString(),
          "tls-private-key", certs.tls("node1.example").privateKey().orElseThrow().toString(),
          "tls-trusted-certs", certs.tls("node1.example").trustedCerts().orElseThrow().toString());
      assertTrue(bad(named, "tls-bind-identity").getMessage().contains("node1.example"));
      NodeConfig c = NodeConfigLoader.load(Optional.empty(), Map.of("data-dir", "/tmp/a", "tls-bind-identity", "true",
          "tls-cert-chain", certs.tls(id).certChain().orElseThrow().toString(),
          "tls-private-key", certs.tls(id).privateKey().orElseThrow().toString(),
          "tls-trusted-certs", certs.tls(id).trustedCerts().orElseThrow().toString()));
      assertTrue(c.security().tls().orElseThrow().bindsIdentity());
    }
    bad(Map.of("data-dir", "/tmp/a", "tls-bind-identity", "true"), "tls-bind-identity");
  }

  @Test
  void httpLimitsFollowTheirSettings() {
    NodeConfig defaults = NodeConfigLoader.load(Optional.empty(), Map.of("data-dir", "/tmp/a"));
    assertEquals(new HttpLimits(1024, 64, Duration.ofSeconds(60)), defaults.httpLimits());
    NodeConfig small = NodeConfigLoader.load(Optional.empty(), Map.of("data-dir", "/tmp/a", "http-max-connections", "32"));
    assertEquals(32, small.httpLimits().maxConnectionsPerAddress(), "the per-address limit follows a smaller total");
    bad(Map.of("data-dir", "/tmp/a", "http-max-connections", "8", "http-max-connections-per-address", "9"),
        "http-max-connections-per-address");
    bad(Map.of("data-dir", "/tmp/a", "http-idle-timeout", "5s"), "http-idle-timeout"); // not above request-timeout 10s
  }

  @Test
  void aSecretInTheWrongShapeIsNotEchoed() throws Exception {
    GossipKey k = GossipKey.generate(new java.security.SecureRandom());
    Path file = dir.resolve("secret.json");
    Files.writeString(file, "{\"data-dir\": \"/tmp/a\", \"gossip-keys\": [\"" + k.toBase64() + "\"]}");
    ConfigException e = assertThrows(ConfigException.class, () -> NodeConfigLoader.load(Optional.of(file), Map.of()));
    assertEquals("gossip-keys", e.key());
    assertTrue(!e.getMessage().contains(k.toBase64()), e.getMessage());
  }
}
