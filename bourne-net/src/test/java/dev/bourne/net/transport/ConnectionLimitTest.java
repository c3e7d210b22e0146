package dev.bourne.net.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Accepted connections are limited per address and in all: a flood from one address leaves room for others. */
class ConnectionLimitTest {
  private final Nodes nodes = new Nodes();
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void closeAll() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    nodes.close();
  }

  private Socket connect(String fromIp, HostPort to) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.bind(new InetSocketAddress(fromIp, 0));
    s.connect(new InetSocketAddress(to.host(), to.port()), 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  @Test
  void oneAddressGetsItsShareAndTheOthersStillConnect() throws Exception {
    Nodes.Node server = nodes.start(b -> b.maxConnections(6).maxConnectionsPerAddress(4));
    server.transport().handle("echo", (from, p) -> CompletableFuture.completedFuture(p));
    HostPort at = server.transport().localAddress();
    for (int i = 0; i < 4; i++) {
      connect("127.0.0.5", at);
    }
    Socket fifth = connect("127.0.0.5", at);
    assertEquals(-1, fifth.getInputStream().read(), "the fifth connection from one address is closed at once");
    Await.until("the refusal is counted", Duration.ofSeconds(10),
        () -> server.metrics().count(NetMetrics.CONNECTIONS_REFUSED) == 1);

    // Another address is still served: a real client (dialling from 127.0.0.1) calls and gets its answer.
    Nodes.Node other = nodes.start();
    assertEquals(3, other.transport().call(at, "echo", new byte[3], Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS).length);

    // The total limit: with 5 open, one more fits and the next is refused, from any address.
    connect("127.0.0.3", at);
    Socket overTotal = connect("127.0.0.4", at);
    assertEquals(-1, overTotal.getInputStream().read(), "the seventh connection in all is closed at once");
    Await.until("both refusals are counted", Duration.ofSeconds(10),
        () -> server.metrics().count(NetMetrics.CONNECTIONS_REFUSED) == 2);

    // Closed connections give their places back.
    for (Socket s : sockets) {
      s.close();
    }
    sockets.clear();
    Await.until("the first address may connect again", Duration.ofSeconds(10), () -> {
      try {
        Socket s = connect("127.0.0.5", at);
        s.setSoTimeout(300);
        try {
          return s.getInputStream().read() != -1; // -1: closed by the limit; a timeout: admitted
        } catch (java.net.SocketTimeoutException admitted) {
          return true;
        } finally {
          s.close();
          sockets.remove(s);
        }
      } catch (IOException e) {
        return false;
      }
    });
  }
}
