package dev.bourne.it.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.GossipKey;
import dev.bourne.convoy.api.GossipSecurity;
import dev.bourne.it.cli.Bourne;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real node with encrypted gossip and an HTTP token: reads stay open, writes and keyring calls
 * need the token, and the keyring command rotates the key through the HTTP API.
 */
class NodeSecurityTest {
  private static final String TOKEN = "test-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dir;

  private static NodeConfig config(Path dataDir, NodeSecurity security) {
    return NodeConfig.builder(dataDir).bind(new HostPort("127.0.0.1", 0)).http(new HostPort("127.0.0.1", 0))
        .expect(1).gossip("local").stabilization(Duration.ZERO).security(security).build();
  }

  private HttpResponse<String> call(Node n, String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + n.httpAddress() + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String code(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).path("error").path("code").asText();
  }

  private record Run(int code, String out, String err) {}

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Bourne.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void writesAndKeyringCallsNeedTheTokenAndTheCommandRotatesTheKey() throws Exception {
    GossipKey key = GossipKey.generate(new SecureRandom());
    NodeSecurity security = new NodeSecurity(GossipSecurity.encrypted("prod", key), Optional.of(TOKEN),
        Optional.empty());
    try (Node n = Node.start(config(dir.resolve("a"), security))) {
      n.ready().get(60, TimeUnit.SECONDS);
      assertEquals(404, call(n, "GET", "/v1/kv/x", null, null).statusCode(), "reads are open");
      HttpResponse<String> noToken = call(n, "PUT", "/v1/kv/x", "v", null);
      assertEquals(401, noToken.statusCode(), noToken.body());
      assertEquals("UNAUTHENTICATED", code(noToken));
      assertEquals(401, call(n, "PUT", "/v1/kv/x", "v", TOKEN + "x").statusCode(), "a wrong token");
      assertEquals(200, call(n, "PUT", "/v1/kv/x", "v", TOKEN).statusCode());
      assertEquals(401, call(n, "GET", "/v1/keyring", null, null).statusCode(), "the keyring is admin");
      HttpResponse<String> list = call(n, "GET", "/v1/keyring", null, TOKEN);
      assertEquals(200, list.statusCode(), list.body());
      JsonNode keys = JSON.readTree(list.body()).path("keys");
      assertEquals(1, keys.size());
      assertEquals(key.fingerprint(), keys.elements().next().get(0).asText());
      HttpResponse<String> badKey = call(n, "POST", "/v1/keyring/install", "{\"key\": \"nope\"}", TOKEN);
      assertEquals(400, badKey.statusCode(), badKey.body());

      Path tokenFile = dir.resolve("token");
      Files.writeString(tokenFile, TOKEN + "\n");
      Run generated = cli("keyring", "generate");
      assertEquals(0, generated.code());
      GossipKey next = GossipKey.parse(generated.out().strip());
      String addr = n.httpAddress().toString();
      Run refused = cli("keyring", "rotate", next.toBase64(), "--addr", addr);
      assertEquals(1, refused.code(), refused.out() + refused.err()); // refused by the node
      assertTrue(refused.err().contains("UNAUTHENTICATED"), refused.err());
      Run neither = cli("keyring", "rotate", "--addr", addr, "--token-file", tokenFile.toString());
      assertEquals(1, neither.code(), neither.out() + neither.err());
      assertTrue(neither.err().contains("either as KEY or with --key-file"), neither.err());
      Path keyFile = dir.resolve("next.key"); // from a file: a key on the command line shows in ps
      Files.writeString(keyFile, next.toBase64() + "\n");
      Run both = cli("keyring", "rotate", next.toBase64(), "--key-file", keyFile.toString(), "--addr", addr);
      assertEquals(1, both.code(), both.out() + both.err());
      assertEquals(List.of(key), n.convoy().keyring().localKeys(), "a refused command changed the keyring");
      Run rotated = cli("keyring", "rotate", "--key-file", keyFile.toString(), "--addr", addr, "--token-file",
          tokenFile.toString());
      assertEquals(0, rotated.code(), rotated.out() + rotated.err());
      assertTrue(rotated.out().contains(next.fingerprint()), rotated.out());
      assertEquals(List.of(next), n.convoy().keyring().localKeys());
      assertEquals(200, call(n, "PUT", "/v1/kv/y", "w", TOKEN).statusCode(), "the node serves after the rotation");
    }
  }

  @Test
  void withoutATokenAnEncryptedNodeRefusesKeyringCallsButNotWrites() throws Exception {
    NodeSecurity security = new NodeSecurity(GossipSecurity.encrypted("prod", GossipKey.generate(new SecureRandom())),
        Optional.empty(), Optional.empty());
    try (Node n = Node.start(config(dir.resolve("b"), security))) {
      n.ready().get(60, TimeUnit.SECONDS);
      assertEquals(200, call(n, "PUT", "/v1/kv/x", "v", null).statusCode(), "writes stay open without a token");
      HttpResponse<String> keyring = call(n, "GET", "/v1/keyring", null, null);
      assertEquals(403, keyring.statusCode(), keyring.body());
      assertEquals("FORBIDDEN", code(keyring));
    }
  }
}
