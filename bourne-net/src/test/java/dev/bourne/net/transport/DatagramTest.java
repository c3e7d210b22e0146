package dev.bourne.net.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.net.Inbound;
import dev.bourne.net.PayloadTooLargeException;
import dev.bourne.net.internal.Envelopes;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DatagramTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final Nodes nodes = new Nodes();

  @AfterEach
  void closeAll() {
    nodes.close();
  }

  @Test
  void datagramsArriveOnTheTcpPortNumberWithTheSendersAddress() throws Exception {
    var a = nodes.start();
    var b = nodes.start();
    List<Inbound> from = new CopyOnWriteArrayList<>();
    List<String> got = new CopyOnWriteArrayList<>();
    b.transport().listen("probe", (f, p) -> {
      from.add(f);
      got.add(new String(p, StandardCharsets.UTF_8));
    });
    a.transport().sendDatagram(b.transport().localAddress(), "probe", "ping".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
    Await.until("datagram received", TIMEOUT, () -> got.size() == 1);
    assertEquals("ping", got.get(0));
    assertEquals(a.transport().localAddress(), from.get(0).source());
    assertEquals(a.transport().localAddress(), from.get(0).remote(), "UDP is sent from the shared port");
    assertEquals(0, b.metrics().count(NetMetrics.CONNECTIONS_ACCEPTED), "no TCP connection for datagrams");
  }

  @Test
  void tooLargeDatagramsThrowAtOnceAndTheLimitItselfPasses() throws Exception {
    var a = nodes.start();
    var b = nodes.start();
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    b.transport().listen("probe", (f, p) -> sizes.add(p.length));
    assertEquals(1400, a.transport().maxDatagramPayload());
    PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class, () -> a.transport().sendDatagram(b.transport().localAddress(), "probe", new byte[1401]));
    assertEquals(PayloadTooLargeException.TOO_LARGE, e.code());
    assertThrows(PayloadTooLargeException.class, () -> a.transport().sendDatagram(b.transport().localAddress(), "m".repeat(2000), new byte[10]));
    a.transport().sendDatagram(b.transport().localAddress(), "probe", new byte[1400]).get(10, TimeUnit.SECONDS);
    Await.until("the 1400-byte datagram received", TIMEOUT, () -> sizes.equals(List.of(1400)));
  }

  @Test
  void oversizedGarbageAndNonOneWayDatagramsAreDroppedAndCounted() throws Exception {
    var b = nodes.start();
    List<String> got = new CopyOnWriteArrayList<>();
    b.transport().listen("probe", (f, p) -> got.add(new String(p, StandardCharsets.UTF_8)));
    HostPort to = b.transport().localAddress();
    try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      byte[] huge = Envelopes.oneWay("probe", new byte[5000], "127.0.0.1:1").toByteArray();
      byte[] garbage = {1, 2, 3, (byte) 0xFF, (byte) 0xFF};
      byte[] request = Envelopes.request(1, "probe", new byte[1], "127.0.0.1:1").toByteArray();
      byte[] ok = Envelopes.oneWay("probe", "fine".getBytes(StandardCharsets.UTF_8), "127.0.0.1:1").toByteArray();
      for (byte[] d : List.of(huge, garbage, request, ok)) {
        raw.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), to.port()));
      }
    }
    Await.until("the good datagram received", TIMEOUT, () -> got.size() == 1);
    assertEquals("fine", got.get(0));
    Await.until("three dropped", TIMEOUT, () -> b.metrics().count(NetMetrics.DATAGRAMS_DROPPED) == 3);
  }
}
