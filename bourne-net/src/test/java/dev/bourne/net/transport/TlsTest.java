package dev.bourne.net.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.config.ConfigException;
import dev.bourne.common.testing.Await;
import dev.bourne.net.TlsConfig;
import dev.bourne.net.UnreachableException;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS with certificates generated for the test run. */
class TlsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  @TempDir static Path dir;
  private static SelfSignedCertificate node1;
  private static SelfSignedCertificate node2;
  private static SelfSignedCertificate intruder;
  private static Path trusted;

  private final Nodes nodes = new Nodes();

  @BeforeAll
  static void certificates() throws Exception {
    node1 = new SelfSignedCertificate("node1.bourne.test");
    node2 = new SelfSignedCertificate("node2.bourne.test");
    intruder = new SelfSignedCertificate("intruder.bourne.test");
    trusted = dir.resolve("trusted.pem");
    Files.write(trusted, (Files.readString(node1.certificate().toPath()) + Files.readString(node2.certificate().toPath())).getBytes(StandardCharsets.US_ASCII));
  }

  @AfterAll
  static void deleteCertificates() {
    node1.delete();
    node2.delete();
    intruder.delete();
  }

  @AfterEach
  void closeAll() {
    nodes.close();
  }

  private static TlsConfig tls(SelfSignedCertificate own, Path trust) {
    return TlsConfig.pem(own.certificate().toPath(), own.privateKey().toPath(), trust);
  }

  private Nodes.Node serverWithEcho() {
    Nodes.Node server = nodes.start(b -> b.tls(tls(node1, trusted)));
    server.transport().handle("echo", (from, p) -> CompletableFuture.completedFuture(p));
    return server;
  }

  @Test
  void trustedPeersTalk() throws Exception {
    Nodes.Node server = serverWithEcho();
    Nodes.Node client = nodes.start(b -> b.tls(tls(node2, trusted)));
    byte[] reply = client.transport().call(server.transport().localAddress(), "echo", "secret".getBytes(StandardCharsets.UTF_8), TIMEOUT).get(20, TimeUnit.SECONDS);
    assertEquals("secret", new String(reply, StandardCharsets.UTF_8));
    assertEquals(0, server.metrics().count(NetMetrics.TLS_REFUSED));
  }

  @Test
  void aBoundIdentityIsTheCommonNameOfThePeersCertificate() throws Exception {
    Nodes.Node server = nodes.start(b -> b.tls(tls(node1, trusted).bindingIdentity()));
    server.transport().handle("who", (from, p) ->
        CompletableFuture.completedFuture(from.identity().orElse("(none)").getBytes(StandardCharsets.UTF_8)));
    Nodes.Node client = nodes.start(b -> b.tls(tls(node2, trusted)));
    byte[] reply = client.transport().call(server.transport().localAddress(), "who", new byte[0], TIMEOUT).get(20, TimeUnit.SECONDS);
    assertEquals("node2.bourne.test", new String(reply, StandardCharsets.UTF_8), "the server names its caller");
    assertEquals("node1.bourne.test", tls(node1, trusted).bindingIdentity().ownIdentity());

    Nodes.Node unbound = nodes.start(b -> b.tls(tls(node1, trusted)));
    unbound.transport().handle("who", (from, p) ->
        CompletableFuture.completedFuture(from.identity().orElse("(none)").getBytes(StandardCharsets.UTF_8)));
    byte[] none = client.transport().call(unbound.transport().localAddress(), "who", new byte[0], TIMEOUT).get(20, TimeUnit.SECONDS);
    assertEquals("(none)", new String(none, StandardCharsets.UTF_8), "no identity unless bound");
  }

  @Test
  void aPeerWithAnUntrustedCertificateIsRefused() throws Exception {
    Nodes.Node server = serverWithEcho();
    Nodes.Node rogue = nodes.start(b -> b.tls(tls(intruder, trusted)));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> rogue.transport().call(server.transport().localAddress(), "echo", new byte[1], TIMEOUT).get(20, TimeUnit.SECONDS));
    assertInstanceOf(UnreachableException.class, e.getCause());
    Await.until("refusal counted", TIMEOUT, () -> server.metrics().count(NetMetrics.TLS_REFUSED) >= 1);
    assertTrustedStillServed(server);
  }

  @Test
  void aPlainTextPeerIsRefused() throws Exception {
    Nodes.Node server = serverWithEcho();
    Nodes.Node plain = nodes.start();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> plain.transport().call(server.transport().localAddress(), "echo", new byte[1], Duration.ofSeconds(3)).get(20, TimeUnit.SECONDS));
    assertInstanceOf(dev.bourne.common.error.BourneException.class, e.getCause());
    Await.until("refusal counted", TIMEOUT, () -> server.metrics().count(NetMetrics.TLS_REFUSED) >= 1);
    assertTrustedStillServed(server);
  }

  @Test
  void aClientRefusesAServerItDoesNotTrust() throws Exception {
    Path onlyIntruder = dir.resolve("only-intruder.pem");
    Files.copy(intruder.certificate().toPath(), onlyIntruder, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Nodes.Node server = serverWithEcho();
    Nodes.Node picky = nodes.start(b -> b.tls(tls(node2, onlyIntruder)));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> picky.transport().call(server.transport().localAddress(), "echo", new byte[1], TIMEOUT).get(20, TimeUnit.SECONDS));
    assertInstanceOf(UnreachableException.class, e.getCause());
    assertEquals(1, picky.metrics().count(NetMetrics.CONNECT_FAILURES));
  }

  @Test
  void aTrustStoreRenewedOnDiskIsLoadedWithoutARestart() throws Exception {
    Path trust = dir.resolve("renewed-trust.pem");
    Files.copy(node1.certificate().toPath(), trust, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Nodes.Node server = nodes.start(b -> b.tls(tls(node1, trust).reloadingEvery(Duration.ofMillis(100))));
    server.transport().handle("echo", (from, p) -> CompletableFuture.completedFuture(p));
    Nodes.Node newcomer = nodes.start(b -> b.tls(tls(node2, trusted)));
    ExecutionException e = assertThrows(ExecutionException.class, () -> newcomer.transport()
        .call(server.transport().localAddress(), "echo", new byte[1], TIMEOUT).get(20, TimeUnit.SECONDS));
    assertInstanceOf(UnreachableException.class, e.getCause(), "not trusted yet");

    // The operator adds node2's certificate to the trust file; the server picks it up by itself.
    Files.writeString(trust, Files.readString(node1.certificate().toPath()) + Files.readString(node2.certificate().toPath()));
    Await.until("the renewed trust store admits node2", TIMEOUT, () -> newcomer.transport()
        .call(server.transport().localAddress(), "echo", new byte[2], TIMEOUT)
        .handle((reply, refusedStill) -> refusedStill == null && reply.length == 2).join()); // the call has a deadline

    // A file that no longer loads is refused, and the material in use stays.
    Files.writeString(trust, "not a certificate");
    assertThrows(ConfigException.class, () -> server.transport().reloadTls());
    Nodes.Node another = nodes.start(b -> b.tls(tls(node2, trusted)));
    assertEquals(3, another.transport().call(server.transport().localAddress(), "echo", new byte[3], TIMEOUT)
        .get(20, TimeUnit.SECONDS).length, "the last good material is still in use");
  }

  @Test
  void aRenewedCertificateNamingAnotherIdentityIsNotLoaded() throws Exception {
    Path cert = dir.resolve("bound-cert.pem");
    Path key = dir.resolve("bound-key.pem");
    Files.copy(node1.certificate().toPath(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(node1.privateKey().toPath(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Nodes.Node server = nodes.start(b -> b.tls(TlsConfig.pem(cert, key, trusted).bindingIdentity()));
    assertEquals(true, server.transport().reloadTls(), "the same certificate loads again");
    Files.copy(node2.certificate().toPath(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(node2.privateKey().toPath(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    ConfigException e = assertThrows(ConfigException.class, () -> server.transport().reloadTls());
    assertTrue(e.getMessage().contains("node2.bourne.test"), e.getMessage());
  }

  @Test
  void onlyPemMaterialReloadsAndTheIntervalIsPositive() {
    assertThrows(IllegalArgumentException.class, () -> tls(node1, trusted).reloadingEvery(Duration.ZERO));
  }

  @Test
  void missingTlsFilesFailAtConfigTime() {
    ConfigException e = assertThrows(ConfigException.class, () -> TlsConfig.pem(dir.resolve("nope.pem"), node1.privateKey().toPath(), trusted));
    assertEquals("net.tls.cert-chain", e.key());
  }

  private void assertTrustedStillServed(Nodes.Node server) throws Exception {
    Nodes.Node friend = nodes.start(b -> b.tls(tls(node2, trusted)));
    assertEquals(3, friend.transport().call(server.transport().localAddress(), "echo", new byte[3], TIMEOUT).get(20, TimeUnit.SECONDS).length);
  }
}
