package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.config.ConfigException;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.GossipSecurity;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.core.Message;
import dev.bourne.convoy.wire.PacketSeal;
import dev.bourne.convoy.wire.WireCodec;
import dev.bourne.net.IdentityMismatchException;
import dev.bourne.net.RemoteException;
import dev.bourne.net.testing.TestCertificates;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identities bound to certificates ({@link TlsConfig#bindingIdentity()}) on real sockets: a member
 * takes the id its certificate names, and a TCP request that claims another member's id is refused
 * with {@code IDENTITY_MISMATCH}, counted, even from a peer whose certificate is trusted.
 */
class CertifiedIdentityTest {
  private static final NodeId A = NodeId.parse("00000000-0000-4000-8000-0000000000a1");
  private static final NodeId B = NodeId.parse("00000000-0000-4000-8000-0000000000b1");
  private static final NodeId MALLORY = NodeId.parse("00000000-0000-4000-8000-0000000000f1");
  private static final String CLUSTER = "identity-test";
  @TempDir static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void certificates() {
    certs = new TestCertificates(dir, List.of(A.toString(), B.toString(), MALLORY.toString(), "node1.bourne.test"));
  }

  @AfterAll
  static void deleteCertificates() {
    certs.close();
  }

  private static ConvoyConfig config(String name) {
    return ConvoyConfig.local().security(GossipSecurity.named(CLUSTER)).tls(certs.bound(name)).build();
  }

  private static boolean sees(ConvoyHost observer, NodeId id) {
    return observer.directory().all().stream().map(Member::id).anyMatch(id::equals);
  }

  @Test
  void aMemberTakesItsCertifiedIdAndATcpRequestForAnotherIsRefused() throws Exception {
    ConvoyHost a = Convoy.start(config(A.toString()));
    ConvoyHost b = null;
    try (NettyTransport mallory = NettyTransport.start(TransportConfig.builder().bind(new HostPort("127.0.0.1", 0))
        .tls(certs.bound(MALLORY.toString())).build())) {
      assertEquals(A, a.id(), "the member id is the certificate's common name");
      b = Convoy.join(config(B.toString()), List.of(a.address()));
      assertEquals(B, b.id());
      ConvoyHost joined = b;
      Await.until("a and b see each other over certified TCP", Duration.ofSeconds(20), () -> sees(a, B) && sees(joined, A));

      PacketSeal plain = new PacketSeal(CLUSTER);
      byte[] asA = plain.plain(WireCodec.encode(new Message.PushPull(false, false, A, List.of(), List.of())));
      ExecutionException e = assertThrows(ExecutionException.class, () ->
          mallory.call(joined.address(), ConvoyNode.TCP, asA, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
      assertEquals(IdentityMismatchException.CODE, assertInstanceOf(RemoteException.class, e.getCause()).code());
      assertEquals(1, ((ConvoyNode) b).impostorMessages());

      // Under its own id the same peer is answered: it is the claim that is refused, not the peer.
      byte[] asMallory = plain.plain(WireCodec.encode(new Message.PushPull(false, false, MALLORY, List.of(), List.of())));
      assertTrue(mallory.call(joined.address(), ConvoyNode.TCP, asMallory, Duration.ofSeconds(5))
          .get(10, TimeUnit.SECONDS).length > 0);
      assertEquals(1, ((ConvoyNode) b).impostorMessages());
    } finally {
      if (b != null) {
        b.shutdown();
      }
      a.shutdown();
    }
  }

  @Test
  void aCertificateWhoseNameIsNotAMemberIdFailsAtStart() {
    ConfigException e = assertThrows(ConfigException.class, () -> Convoy.start(config("node1.bourne.test")));
    assertTrue(e.getMessage().contains("UUID"), e.getMessage());
  }
}
