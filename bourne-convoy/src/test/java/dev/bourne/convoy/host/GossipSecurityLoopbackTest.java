package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.GossipKey;
import dev.bourne.convoy.api.GossipSecurity;
import dev.bourne.convoy.api.KeyringReport;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.core.Message;
import dev.bourne.convoy.wire.PacketSeal;
import dev.bourne.convoy.wire.WireCodec;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gossip security on real sockets: members on 127.0.0.1 with encryption, and a hostile sender on a
 * plain transport trying a wrong key, another cluster's name, plaintext, a tampered copy and a
 * replay of a message it sealed with the right key.
 */
class GossipSecurityLoopbackTest {
  private static final Duration LONG = Duration.ofSeconds(20);
  private static final GossipKey KEY = GossipKey.generate(new SecureRandom());
  private final List<ConvoyHost> hosts = new ArrayList<>();

  @AfterEach
  void stopAll() {
    hosts.forEach(ConvoyHost::shutdown);
  }

  private ConvoyHost start(GossipSecurity security, Path dir) {
    ConvoyConfig.Builder b = ConvoyConfig.local().security(security);
    if (dir != null) {
      b.dataDir(dir);
    }
    ConvoyHost h = Convoy.start(b.build());
    hosts.add(h);
    return h;
  }

  private static long active(ConvoyHost h) {
    return h.directory().all().stream().filter(m -> m.state() == MemberState.ALIVE).count();
  }

  @Test
  void encryptedMembersFormAGroupAndRefuseOutsiders() {
    GossipSecurity sec = GossipSecurity.encrypted("prod", KEY);
    ConvoyHost a = start(sec, null);
    ConvoyHost b = start(sec, null);
    b.joinAsync(List.of(a.address())).join();
    Await.until("two encrypted members see each other", LONG, () -> active(a) == 2 && active(b) == 2);

    ConvoyException wrongKey = assertThrows(ConvoyException.class, () -> Convoy.join(ConvoyConfig.local()
        .joinAttempts(1).security(GossipSecurity.encrypted("prod", GossipKey.generate(new SecureRandom()))).build(),
        List.of(a.address())));
    assertTrue(wrongKey.getMessage().contains("UNAUTHENTICATED"), wrongKey.getMessage());
    ConvoyException plain = assertThrows(ConvoyException.class, () -> Convoy.join(ConvoyConfig.local()
        .joinAttempts(1).security(GossipSecurity.named("prod")).build(), List.of(a.address())));
    assertTrue(plain.getMessage().contains("UNAUTHENTICATED"), plain.getMessage());
    ConvoyException foreign = assertThrows(ConvoyException.class, () -> Convoy.join(ConvoyConfig.local()
        .joinAttempts(1).security(GossipSecurity.encrypted("staging", KEY)).build(), List.of(a.address())));
    assertTrue(foreign.getMessage().contains("FOREIGN_CLUSTER"), foreign.getMessage());
    assertEquals(2, a.directory().all().size(), "nobody else got in");
    HostCounters counters = HostBuilder.counters(a);
    assertTrue(counters.unauthenticatedMessages() >= 2, "refusals counted: " + counters.unauthenticatedMessages());
    assertTrue(counters.foreignClusterMessages() >= 1);
  }

  @Test
  void forgedTamperedAndReplayedDatagramsAreDropped() throws Exception {
    ConvoyHost a = start(GossipSecurity.encrypted("prod", KEY), null);
    HostCounters counters = HostBuilder.counters(a);
    Random nonces = new SecureRandom();
    PacketSeal prod = new PacketSeal("prod");
    SecretKeySpec right = new SecretKeySpec(KEY.bytes(), "AES");
    SecretKeySpec wrong = new SecretKeySpec(GossipKey.generate(new SecureRandom()).bytes(), "AES");
    LinkedBlockingQueue<byte[]> acks = new LinkedBlockingQueue<>();
    try (NettyTransport evil = NettyTransport.start(TransportConfig.builder().bind(new HostPort("127.0.0.1", 0)).build())) {
      evil.listen("convoy.udp", (from, payload) -> acks.add(payload));
      byte[] ping = WireCodec.encode(new Message.Ping(7, a.id(), dev.bourne.common.id.NodeId.random(new Random(3)), List.of()));
      long now = System.currentTimeMillis();

      // With the right key and this cluster's name, the member answers (so the refusals below are real).
      byte[] valid = prod.seal(ping, right, nonces, now);
      evil.sendDatagram(a.address(), "convoy.udp", valid);
      byte[] ack = acks.poll(10, TimeUnit.SECONDS);
      assertTrue(ack != null, "a correctly sealed ping was not answered");
      assertEquals(PacketSeal.Status.DECRYPTED, prod.open(ack, List.of(right)).status(), "the answer is encrypted");

      evil.sendDatagram(a.address(), "convoy.udp", valid); // the same datagram again: a replay
      Await.until("the replay is refused", LONG, () -> counters.replayedMessages() == 1);
      evil.sendDatagram(a.address(), "convoy.udp", prod.seal(ping, right, nonces, now - 10 * 60_000));
      Await.until("a ten-minute-old message is refused", LONG, () -> counters.replayedMessages() == 2);

      byte[] tampered = prod.seal(ping, right, nonces, now);
      tampered[tampered.length - 20] ^= 1;
      evil.sendDatagram(a.address(), "convoy.udp", tampered);
      evil.sendDatagram(a.address(), "convoy.udp", prod.seal(ping, wrong, nonces, now));
      evil.sendDatagram(a.address(), "convoy.udp", prod.plain(ping));
      Await.until("tampered, wrong-key and plaintext pings are refused", LONG,
          () -> counters.unauthenticatedMessages() == 3);
      evil.sendDatagram(a.address(), "convoy.udp", new PacketSeal("staging").seal(ping, right, nonces, now));
      Await.until("another cluster's ping is refused", LONG, () -> counters.foreignClusterMessages() == 1);
      // None of them was answered: only the one valid ping was.
      assertEquals(null, acks.poll(500, TimeUnit.MILLISECONDS), "a refused ping was answered");
      assertTrue(a.isRunning());
    }
  }

  @Test
  void aRotationOnRealMembersPersistsAcrossARestart(@TempDir Path dir) {
    GossipSecurity sec = GossipSecurity.encrypted("prod", KEY);
    ConvoyHost a = start(sec, dir.resolve("a"));
    ConvoyHost b = start(sec, dir.resolve("b"));
    ConvoyHost c = start(sec, null);
    b.joinAsync(List.of(a.address())).join();
    c.joinAsync(List.of(a.address())).join();
    Await.until("three members", LONG, () -> active(a) == 3 && active(b) == 3 && active(c) == 3);
    GossipKey next = GossipKey.generate(new SecureRandom());
    KeyringReport report = c.keyring().rotate(next).join();
    assertTrue(report.complete() && report.uniform(), report.toString());
    assertEquals(3, report.keys().size());
    assertEquals(List.of(next), a.keyring().localKeys());
    Await.until("still three after the rotation", LONG, () -> active(a) == 3 && active(c) == 3);

    // b restarts from its data directory with the old key configured: the persisted ring wins.
    b.shutdown();
    ConvoyHost b2 = Convoy.start(ConvoyConfig.local().dataDir(dir.resolve("b")).security(sec).build());
    hosts.add(b2);
    assertEquals(b.id(), b2.id(), "the same member, back from its data directory");
    assertEquals(List.of(next), b2.keyring().localKeys(), "the persisted keyring wins over the configuration");
    b2.joinAsync(List.of(a.address())).join();
    Await.until("b is back", LONG, () -> a.directory().all().stream()
        .filter(m -> m.state() == MemberState.ALIVE).map(Member::id).anyMatch(b2.id()::equals));
  }
}
