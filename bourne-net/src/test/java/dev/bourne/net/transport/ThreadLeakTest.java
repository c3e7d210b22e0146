package dev.bourne.net.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bourne.common.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** After close, no thread a transport started is left running, and its port is free again. */
class ThreadLeakTest {
  private static Set<Thread> threads() {
    return Thread.getAllStackTraces().keySet();
  }

  private static List<String> leftovers(Set<Thread> before) {
    return threads().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .filter(t -> !t.isDaemon() || t.getName().startsWith("bourne"))
        .map(Thread::getName)
        .sorted()
        .collect(Collectors.toList());
  }

  @Test
  void closeReleasesEveryThreadAndPort() throws Exception {
    Set<Thread> before = threads();
    List<NettyTransport> ts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ts.add(NettyTransport.start(TransportConfig.builder().ioThreads(2).build()));
    }
    for (NettyTransport t : ts) {
      t.handle("ping", (f, p) -> CompletableFuture.completedFuture(p));
      t.handle("never", (f, p) -> new CompletableFuture<>());
    }
    List<CompletableFuture<byte[]>> hanging = new ArrayList<>();
    for (NettyTransport from : ts) {
      for (NettyTransport to : ts) {
        from.call(to.localAddress(), "ping", new byte[1], Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
        hanging.add(from.call(to.localAddress(), "never", new byte[1], Duration.ofMinutes(1)));
        from.sendDatagram(to.localAddress(), "ping", new byte[1]).get(10, TimeUnit.SECONDS);
      }
    }
    var firstAddress = ts.get(0).localAddress();
    for (NettyTransport t : ts) {
      t.close();
    }
    for (CompletableFuture<byte[]> h : hanging) {
      assertEquals(true, h.isCompletedExceptionally());
    }
    Await.until("no transport thread left", Duration.ofSeconds(10), () -> leftovers(before), List::isEmpty);
    // The port can be bound again at once (TCP and UDP).
    NettyTransport again = NettyTransport.start(TransportConfig.builder().bind(firstAddress).build());
    assertEquals(firstAddress, again.localAddress());
    again.close();
    Await.until("no transport thread left", Duration.ofSeconds(10), () -> leftovers(before), List::isEmpty);
  }

  @Test
  void closedFromItsOwnThreadItReturnsAtOnceAndStillReleasesEverything() throws Exception {
    Set<Thread> before = threads();
    NettyTransport server = NettyTransport.start(TransportConfig.builder().ioThreads(1).build());
    NettyTransport client = NettyTransport.start(TransportConfig.builder().ioThreads(1).build());
    server.handle("ping", (f, p) -> CompletableFuture.completedFuture(p));
    CompletableFuture<String> closedOn = new CompletableFuture<>();
    // The reply completes on the client's I/O thread; a callback that closes the client there (as
    // a host shutting itself down does) must not wait for that very thread to stop.
    client.call(server.localAddress(), "ping", new byte[1], Duration.ofSeconds(10)).thenRun(() -> {
      client.close();
      closedOn.complete(Thread.currentThread().getName());
    });
    String thread = closedOn.get(5, TimeUnit.SECONDS);
    assertEquals(true, thread.startsWith("bourne-net-io"), thread);
    var address = client.localAddress();
    client.close(); // from this thread: waits for the background release
    NettyTransport again = NettyTransport.start(TransportConfig.builder().bind(address).ioThreads(1).build());
    assertEquals(address, again.localAddress(), "the port is free once close() returned");
    again.close();
    server.close();
    Await.until("no transport thread left", Duration.ofSeconds(10), () -> leftovers(before), List::isEmpty);
  }
}
