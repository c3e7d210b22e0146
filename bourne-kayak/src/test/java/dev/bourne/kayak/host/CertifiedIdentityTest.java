package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.config.ConfigException;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.kayak.Kayak;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.core.MembershipChange;
import dev.bourne.kayak.core.Message;
import dev.bourne.kayak.wire.RequestCodec;
import dev.bourne.kayak.wire.WireCodec;
import dev.bourne.net.IdentityMismatchException;
import dev.bourne.net.RemoteException;
import dev.bourne.net.testing.TestCertificates;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identities bound to certificates ({@link TlsConfig#bindingIdentity()}), on real sockets: a
 * member takes the id its certificate names, and a peer with a trusted certificate of its own
 * cannot speak for another member, neither in Raft messages nor in a join.
 */
class CertifiedIdentityTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final NodeId A = NodeId.parse("00000000-0000-4000-8000-00000000000a");
  private static final NodeId B = NodeId.parse("00000000-0000-4000-8000-00000000000b");
  private static final NodeId MALLORY = NodeId.parse("00000000-0000-4000-8000-0000000000ff");
  @TempDir static Path certDir;
  private static TestCertificates certs;

  @TempDir Path dir;
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void certificates() {
    certs = new TestCertificates(certDir, List.of(A.toString(), B.toString(), MALLORY.toString(), "node1.bourne.test"));
  }

  @AfterAll
  static void deleteCertificates() {
    certs.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private KayakConfig.Builder config(String name, String cert) {
    return KayakConfig.builder(dir.resolve(name)).bind(new HostPort("127.0.0.1", 0)).tick(Duration.ofMillis(20))
        .ticks(10, 2).appendTimeout(Duration.ofSeconds(2)).joinTimeout(Duration.ofSeconds(10)).tls(certs.bound(cert));
  }

  private <T extends AutoCloseable> T opened(T c) {
    open.add(c);
    return c;
  }

  @Test
  void aMemberTakesItsCertifiedIdAndNoPeerSpeaksForAnother() throws Exception {
    KayakHost a = opened(Kayak.start(config("a", A.toString()).build()));
    assertEquals(A, a.id(), "the member id is the certificate's common name");
    Await.until("a leads", WAIT, () -> a.role() == dev.bourne.kayak.api.Role.LEADER);
    KayakHost b = opened(Kayak.join(config("b", B.toString()).build(), List.of(a.address())));
    assertEquals(B, b.id());
    assertTrue(a.roster().stream().anyMatch(m -> m.id().equals(B) && m.voter()), "b joined as itself");

    // Mallory holds a trusted certificate, for its own id, and speaks for the leader to b.
    NettyTransport mallory = opened(NettyTransport.start(TransportConfig.builder()
        .bind(new HostPort("127.0.0.1", 0)).tls(certs.bound(MALLORY.toString())).build()));
    long term = b.term();
    byte[] forged = WireCodec.encode(B, a.clusterId().orElseThrow(),
        new Message.Heartbeat(term + 5, A, 0, 0), Map.of());
    mallory.send(b.address(), RaftHost.RAFT_METHOD, forged).get(10, TimeUnit.SECONDS);
    Await.until("b refuses the forged heartbeat", WAIT, () -> ((RaftHost) b).impostorMessages() >= 1);
    assertEquals(term, b.term(), "a forged message from the 'leader' moved b's term");

    // And a join under b's id, from Mallory's certificate, is refused with a typed error.
    byte[] join = RequestCodec.encode(new RequestCodec.Join(a.clusterId(), B, mallory.localAddress(), 1000));
    ExecutionException e = assertThrows(ExecutionException.class, () ->
        mallory.call(a.address(), MembershipRequests.JOIN, join, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
    RemoteException refused = assertInstanceOf(RemoteException.class, e.getCause());
    assertEquals(IdentityMismatchException.CODE, refused.code());
    assertTrue(((RaftHost) a).impostorMessages() >= 1);

    // Nor may a certified stranger administer the cluster: a removal of b (a forged leave by
    // another name) is refused, and b stays.
    byte[] removeB = RequestCodec.encode(new RequestCodec.Change(a.clusterId(), new MembershipChange.Remove(B),
        Optional.empty(), 1000));
    ExecutionException stranger = assertThrows(ExecutionException.class, () ->
        mallory.call(a.address(), MembershipRequests.CHANGE, removeB, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
    assertEquals(IdentityMismatchException.CODE, assertInstanceOf(RemoteException.class, stranger.getCause()).code());
    assertTrue(a.roster().stream().anyMatch(m -> m.id().equals(B)), "b was removed by a stranger");

    // Under its own id the same peer is answered: its join as itself is accepted.
    byte[] asItself = RequestCodec.encode(new RequestCodec.Join(a.clusterId(), MALLORY, mallory.localAddress(), 1000));
    RequestCodec.Joined joined = RequestCodec.decodeJoined(
        mallory.call(a.address(), MembershipRequests.JOIN, asItself, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
    assertEquals(a.clusterId().orElseThrow(), joined.cluster());
    assertTrue(a.log().append("still one cluster".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS).index() > 0);
  }

  @Test
  void aCertificateThatDoesNotNameAMemberIdOrNamesAnotherFailsAtConfigTime() {
    ConfigException notAnId = assertThrows(ConfigException.class, () -> config("n", "node1.bourne.test").build());
    assertTrue(notAnId.getMessage().contains("UUID"), notAnId.getMessage());
    ConfigException other = assertThrows(ConfigException.class, () -> config("o", A.toString()).memberId(B).build());
    assertTrue(other.getMessage().contains("kayak.member-id"), other.getMessage());
    assertEquals(Optional.of(A), config("ok", A.toString()).memberId(A).build().memberId());
  }
}
