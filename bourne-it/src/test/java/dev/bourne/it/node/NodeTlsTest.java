package dev.bourne.it.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.convoy.api.GossipSecurity;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.it.cli.Bourne;
import dev.bourne.net.TlsConfig;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Real nodes with mutual TLS on their peer transport and HTTPS on their API, with certificates
 * made for the run by the JDK's keytool (an EC key, the certificate naming 127.0.0.1).
 */
class NodeTlsTest {
  private static final char[] PASS = "changeit".toCharArray();
  @TempDir static Path dir;
  private static Path trusted;

  @BeforeAll
  static void certificates() throws Exception {
    for (String name : List.of("a", "b", "intruder")) {
      keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
          "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store(name).toString(),
          "-storepass", "changeit", "-keypass", "changeit");
      keytool("-exportcert", "-alias", "node", "-rfc", "-keystore", store(name).toString(), "-storepass", "changeit",
          "-file", pem(name).toString());
    }
    trusted = dir.resolve("trusted.pem");
    Files.writeString(trusted, Files.readString(pem("a")) + Files.readString(pem("b")));
  }

  private static Path store(String name) {
    return dir.resolve(name + ".p12");
  }

  private static Path pem(String name) {
    return dir.resolve(name + ".pem");
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + out);
  }

  /** Node {@code name}'s TLS: its key from its keystore, trusting {@code trust}. */
  private static TlsConfig tls(String name, Path trust) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(store(name).toFile())) {
      ks.load(in, PASS);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASS);
    return TlsConfig.managers(kmf, trustFactory(trust));
  }

  private static TrustManagerFactory trustFactory(Path pemFile) throws Exception {
    KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
    ts.load(null, null);
    int i = 0;
    try (FileInputStream in = new FileInputStream(pemFile.toFile())) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ts.setCertificateEntry("c" + i++, c);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    return tmf;
  }

  private static NodeConfig config(String name, TlsConfig tls, List<HostPort> join) {
    return NodeConfig.builder(dir.resolve("data-" + name)).bind(new HostPort("127.0.0.1", 0))
        .http(new HostPort("127.0.0.1", 0)).join(join).expect(1).gossip("local").stabilization(Duration.ZERO)
        .security(new NodeSecurity(GossipSecurity.named("tls-test"), Optional.empty(), Optional.of(tls))).build();
  }

  private static boolean sees(Node observer, Node other) {
    return observer.convoy().directory().all().stream().filter(m -> m.state() == MemberState.ALIVE)
        .map(Member::id).anyMatch(other.convoy().id()::equals);
  }

  @Test
  void trustedNodesFormAClusterAnUntrustedOneIsRefusedAndTheApiSpeaksHttps() throws Exception {
    try (Node a = Node.start(config("a", tls("a", trusted), List.of()))) {
      a.ready().get(60, TimeUnit.SECONDS);
      try (Node b = Node.start(config("b", tls("b", trusted), List.of(a.address())))) {
        Await.until("b joined a over mutual TLS", Duration.ofSeconds(30), () -> sees(a, b) && sees(b, a));
      }
      HttpClient https = HttpClient.newBuilder().sslContext(context(pem("a"))).connectTimeout(Duration.ofSeconds(5)).build();
      URI status = URI.create("https://" + a.httpAddress() + "/v1/status");
      HttpResponse<String> r = https.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(URI.create("http://" + a.httpAddress()
          + "/v1/status")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()),
          "plain HTTP is not served on a TLS port");

      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cl = Bourne.commandLine();
      cl.setOut(new PrintWriter(out));
      cl.setErr(new PrintWriter(err));
      assertEquals(0, cl.execute("status", "--addr", "https://" + a.httpAddress(), "--ca-file", pem("a").toString()),
          out + " " + err);

      try (Node intruder = Node.start(config("intruder", tls("intruder", trusted), List.of(a.address())))) {
        Await.until("the intruder's handshakes are refused", Duration.ofSeconds(30), () -> metric(https, a,
            "bourne_net_tls_refused") >= 1);
        assertTrue(!sees(a, intruder), "a node with an untrusted certificate got in");
      }
    }
  }

  private static SSLContext context(Path pemFile) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, trustFactory(pemFile).getTrustManagers(), null);
    return ctx;
  }

  /** The value of a counter in the node's Prometheus text, or 0. */
  private static double metric(HttpClient https, Node n, String name) {
    try {
      String text = https.send(HttpRequest.newBuilder(URI.create("https://" + n.httpAddress() + "/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
      return text.lines().filter(l -> l.startsWith(name)).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
