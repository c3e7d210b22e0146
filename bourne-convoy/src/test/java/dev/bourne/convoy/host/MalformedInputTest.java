package dev.bourne.convoy.host;

import dev.bourne.common.testing.Await;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.StoreResult;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Garbage on the member's real sockets is dropped and counted; the member carries on. */
class MalformedInputTest {
  @Test
  void garbageDatagramsAndRequestsNeverCrashAMember() throws Exception {
    ConvoyHost host = Convoy.start(ConvoyConfig.local().build());
    try (NettyTransport evil = NettyTransport.start(TransportConfig.builder().bind(new HostPort("127.0.0.1", 0)).build())) {
      Random r = new Random(1);
      for (int i = 0; i < 200; i++) {
        byte[] junk = new byte[1 + r.nextInt(300)];
        r.nextBytes(junk);
        evil.sendDatagram(host.address(), "convoy.udp", junk);
        evil.call(host.address(), "convoy.tcp", junk, Duration.ofSeconds(1)).exceptionally(e -> null);
        evil.call(host.address(), "convoy.store", junk, Duration.ofSeconds(1)).exceptionally(e -> null);
      }
      ConvoyNode node = (ConvoyNode) host;
      Await.until("garbage is counted", Duration.ofSeconds(10), () -> node.malformedMessages() > 0);
      assertTrue(host.isRunning());
      StoreResult r1 = host.store().put("still", "working", 0);
      assertTrue(r1.ok());
    } finally {
      host.shutdown();
    }
  }
}
