package dev.bourne.it.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.config.ConfigException;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.it.metrics.KvMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API's connection limits on real sockets: one address that opens connections and says
 * nothing gets its share and no more, other clients are still served, and silent connections are
 * closed after the idle timeout.
 */
class HttpLimitsTest {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<Socket> sockets = new ArrayList<>();
  private HttpApi api;

  @AfterEach
  void close() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private Socket connect(String fromIp) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.bind(new InetSocketAddress(fromIp, 0));
    s.connect(new InetSocketAddress("127.0.0.1", api.address().port()), 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Reads until the server closes; the milliseconds from {@code since} (a nanoTime) to the close. */
  private static long awaitClosed(Socket s, long since) throws IOException {
    InputStream in = s.getInputStream();
    try {
      while (in.read() != -1) {
        // nothing is expected; read until the close
      }
    } catch (SocketException reset) {
      // a reset is a close too
    }
    return (System.nanoTime() - since) / 1_000_000;
  }

  private double closed(String reason) {
    return registry.scrape().stream().filter(m -> m.getMetadata().getName().equals("bourne_http_connections_closed"))
        .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
        .filter(d -> reason.equals(d.getLabels().get("reason"))).mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  private int status() throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.address().port() + "/v1/status"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void aFloodFromOneAddressLeavesRoomForOthersAndSilentConnectionsAreClosed() throws Exception {
    api = HttpApi.start(new HostPort("127.0.0.1", 0), ApiFuzzTest.NOT_READY, new KvMetrics(registry), HttpAccess.OPEN,
        Optional.empty(), new HttpLimits(4, 2, Duration.ofSeconds(1)));
    long floodAt = System.nanoTime();
    List<Socket> flood = List.of(connect("127.0.0.5"), connect("127.0.0.5"), connect("127.0.0.5"));
    // Which of the three is refused depends on the order the server's threads take them up.
    Await.until("two admitted, one refused", Duration.ofSeconds(10),
        () -> api.openConnections() == 2 && closed("limit") == 1.0);

    assertEquals(200, status(), "another address is served while the flood holds its share");

    for (Socket s : flood) {
      awaitClosed(s, floodAt);
    }
    // Every connection idles out (the HTTP client's keep-alive one too), and its slot is released.
    Await.until("every slot released", Duration.ofSeconds(10), () -> api.openConnections() == 0);
    assertTrue(closed("idle") >= 2.0);
    assertTrue((System.nanoTime() - floodAt) / 1_000_000 >= 900, "closed before the idle timeout");

    // The same address is admitted again (and closed later only for silence).
    connect("127.0.0.5");
    connect("127.0.0.5");
    Await.until("both admitted", Duration.ofSeconds(10), () -> api.openConnections() == 2);
    assertEquals(1.0, closed("limit"));
  }

  @Test
  void limitsAreValidated() {
    assertThrows(ConfigException.class, () -> new HttpLimits(0, 1, Duration.ofSeconds(1)));
    assertThrows(ConfigException.class, () -> new HttpLimits(4, 5, Duration.ofSeconds(1)));
    assertThrows(ConfigException.class, () -> new HttpLimits(4, 2, Duration.ZERO));
  }
}
