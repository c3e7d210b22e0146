package dev.bourne.net.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.config.ConfigException;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransportConfigTest {
  private final Nodes nodes = new Nodes();

  @AfterEach
  void closeAll() {
    nodes.close();
  }

  @Test
  void defaultsAreSafe() {
    TransportConfig c = TransportConfig.builder().build();
    assertEquals(new HostPort("127.0.0.1", 0), c.bind());
    assertEquals(16 * 1024 * 1024, c.maxFrameBytes());
    assertEquals(1400, c.maxDatagramPayload());
    assertTrue(c.tls().isEmpty());
    assertTrue(c.advertise().isEmpty());
  }

  private static String badKey(UnaryOperator<TransportConfig.Builder> b) {
    ConfigException e = assertThrows(ConfigException.class, () -> b.apply(TransportConfig.builder()).build());
    return e.key();
  }

  @Test
  void invalidSettingsFailAtBuildTimeNamingTheKey() {
    assertEquals("net.advertise", badKey(b -> b.bind(new HostPort("0.0.0.0", 0))));
    assertEquals("net.advertise", badKey(b -> b.bind(new HostPort("::", 0))));
    assertEquals("net.advertise", badKey(b -> b.advertise(new HostPort("0.0.0.0", 7000))));
    assertEquals("net.bind", badKey(b -> b.bind(null)));
    assertEquals("net.max-frame-bytes", badKey(b -> b.maxFrameBytes(0)));
    assertEquals("net.max-datagram-payload", badKey(b -> b.maxDatagramPayload(70_000)));
    assertEquals("net.connect-timeout", badKey(b -> b.connectTimeout(Duration.ZERO)));
    assertEquals("net.frame-timeout", badKey(b -> b.frameTimeout(Duration.ofSeconds(-1))));
    assertEquals("net.io-threads", badKey(b -> b.ioThreads(0)));
    assertEquals("net.metrics", badKey(b -> b.metrics(null)));
  }

  @Test
  void settingsPresetTheBuilderAndBadOnesNameTheirKey() {
    TransportConfig c = TransportConfig.builder(dev.bourne.common.config.Settings.of(java.util.Map.of(
        "net.bind", "0.0.0.0:7000", "net.advertise", "10.1.2.3:7000", "net.max-frame-bytes", "65536",
        "net.frame-timeout", "2s", "net.io-threads", "3"))).build();
    assertEquals(new HostPort("0.0.0.0", 7000), c.bind());
    assertEquals(new HostPort("10.1.2.3", 7000), c.advertise().orElseThrow());
    assertEquals(65536, c.maxFrameBytes());
    assertEquals(Duration.ofSeconds(2), c.frameTimeout());
    assertEquals(3, c.ioThreads());
    assertEquals(1400, c.maxDatagramPayload());
    ConfigException e = assertThrows(ConfigException.class, () -> TransportConfig.builder(
        dev.bourne.common.config.Settings.of(java.util.Map.of("net.connect-timeout", "soon"))));
    assertEquals("net.connect-timeout", e.key());
    ConfigException range = assertThrows(ConfigException.class, () -> TransportConfig.builder(
        dev.bourne.common.config.Settings.of(java.util.Map.of("net.max-frame-bytes", "12"))).build());
    assertEquals("net.max-frame-bytes", range.key());
    assertTrue(range.getMessage().contains("=12"), range.getMessage());
  }

  @Test
  void wildcardBindAdvertisesTheGivenAddressWithTheBoundPort() throws Exception {
    var server = nodes.start(b -> b.bind(new HostPort("0.0.0.0", 0)).advertise(new HostPort("127.0.0.1", 0)));
    HostPort adv = server.transport().localAddress();
    assertEquals("127.0.0.1", adv.host());
    assertTrue(adv.port() > 0);
    var client = nodes.start(b -> b.advertise(new HostPort("localhost", 0)));
    AtomicReference<HostPort> seen = new AtomicReference<>();
    server.transport().handle("who", (from, p) -> {
      seen.set(from.source());
      return CompletableFuture.completedFuture(p);
    });
    client.transport().call(adv, "who", new byte[0], Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS);
    assertEquals("localhost", seen.get().host(), "the envelope carries the advertised address");
    assertEquals(client.transport().localAddress(), seen.get());
  }

  @Test
  void ipv6LoopbackWorksAndHostNamesResolve() throws Exception {
    var server = nodes.start(b -> b.bind(new HostPort("::1", 0)));
    server.transport().handle("echo", (from, p) -> CompletableFuture.completedFuture(p));
    var client = nodes.start(b -> b.bind(new HostPort("::1", 0)));
    assertEquals(3, client.transport().call(server.transport().localAddress(), "echo", new byte[3], Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS).length);
    var v4 = nodes.start();
    v4.transport().handle("echo", (from, p) -> CompletableFuture.completedFuture(p));
    HostPort byName = new HostPort("localhost", v4.transport().localAddress().port());
    Await.until("a call by host name", Duration.ofSeconds(10), () -> client.transport().call(byName, "echo", new byte[1], Duration.ofSeconds(5)).handle((r, e) -> r != null).join());
  }

  @Test
  void aTakenPortFailsClearly() {
    var first = nodes.start();
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> nodes.start(b -> b.bind(first.transport().localAddress())));
    assertTrue(e.getMessage().contains(String.valueOf(first.transport().localAddress().port())), e.getMessage());
  }
}
