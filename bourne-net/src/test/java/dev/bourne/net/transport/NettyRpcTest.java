package dev.bourne.net.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ClosedException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.common.error.TimedOutException;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.net.PayloadTooLargeException;
import dev.bourne.net.RemoteException;
import dev.bourne.net.UnreachableException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NettyRpcTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final Nodes nodes = new Nodes();

  @AfterEach
  void closeAll() {
    nodes.close();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Throwable failureOf(CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void roundTripCarriesPayloadAndSourceBothWays() throws Exception {
    var server = nodes.start();
    var client = nodes.start();
    AtomicReference<HostPort> seenSource = new AtomicReference<>();
    server.transport().handle("echo", (from, payload) -> {
      seenSource.set(from.source());
      return CompletableFuture.completedFuture(("echo:" + new String(payload, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    });
    byte[] reply = client.transport().call(server.transport().localAddress(), "echo", bytes("hi"), TIMEOUT).get(30, TimeUnit.SECONDS);
    assertEquals("echo:hi", new String(reply, StandardCharsets.UTF_8));
    assertEquals(client.transport().localAddress(), seenSource.get());
    byte[] empty = client.transport().call(server.transport().localAddress(), "echo", new byte[0], TIMEOUT).get(30, TimeUnit.SECONDS);
    assertEquals("echo:", new String(empty, StandardCharsets.UTF_8));
  }

  @Test
  void tenThousandConcurrentCallsShareOneConnection() throws Exception {
    var server = nodes.start();
    var client = nodes.start();
    server.transport().handle("square", (from, payload) -> {
      long v = ByteBuffer.wrap(payload).getLong();
      return CompletableFuture.completedFuture(ByteBuffer.allocate(8).putLong(v * v).array());
    });
    int n = 10_000;
    List<CompletableFuture<byte[]>> calls = new ArrayList<>(n);
    for (long i = 0; i < n; i++) {
      calls.add(client.transport().call(server.transport().localAddress(), "square", ByteBuffer.allocate(8).putLong(i).array(), Duration.ofSeconds(60)));
    }
    CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    for (int i = 0; i < n; i++) {
      assertEquals((long) i * i, ByteBuffer.wrap(calls.get(i).get()).getLong(), "reply to call " + i);
    }
    assertEquals(1, client.metrics().count(NetMetrics.CONNECTIONS_OPENED));
    assertEquals(1, server.metrics().count(NetMetrics.CONNECTIONS_ACCEPTED));
    assertEquals(0, client.metrics().count(NetMetrics.CONNECTIONS_ACCEPTED));
    Await.until("in-flight map drained", TIMEOUT, () -> client.transport().inFlightCalls() == 0);
  }

  @Test
  void callTimesOutWhenHandlerNeverReplies() {
    var server = nodes.start();
    var client = nodes.start();
    server.transport().handle("never", (from, payload) -> new CompletableFuture<>());
    long start = System.nanoTime();
    Throwable t = failureOf(client.transport().call(server.transport().localAddress(), "never", new byte[0], Duration.ofMillis(200)));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(TimedOutException.class, t);
    assertEquals(ErrorCode.TIMEOUT, ((BourneException) t).code());
    assertTrue(tookMs >= 190 && tookMs < 5_000, "took " + tookMs + " ms");
    assertEquals(0, client.transport().inFlightCalls());
    Await.until("timeout counted", TIMEOUT, () -> client.metrics().count(NetMetrics.CALLS_TIMED_OUT) == 1);
  }

  @Test
  void lateReplyAfterTimeoutIsCountedAndDropped() throws Exception {
    var server = nodes.start();
    var client = nodes.start();
    CompletableFuture<byte[]> gate = new CompletableFuture<>();
    server.transport().handle("slow", (from, payload) -> gate);
    assertInstanceOf(TimedOutException.class, failureOf(client.transport().call(server.transport().localAddress(), "slow", new byte[0], Duration.ofMillis(100))));
    gate.complete(bytes("late"));
    Await.until("late reply counted", TIMEOUT, () -> client.metrics().count(NetMetrics.RESPONSES_LATE) == 1);
    server.transport().handle("fast", (from, payload) -> CompletableFuture.completedFuture(bytes("ok")));
    assertEquals("ok", new String(client.transport().call(server.transport().localAddress(), "fast", new byte[0], TIMEOUT).get(), StandardCharsets.UTF_8));
  }

  @Test
  void deadPeerFailsWithinTheTimeout() throws Exception {
    var client = nodes.start();
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    HostPort dead = new HostPort("127.0.0.1", deadPort);
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      Throwable t = failureOf(client.transport().call(dead, "x", new byte[0], Duration.ofSeconds(2)));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertInstanceOf(UnreachableException.class, t, "attempt " + i + ": " + t);
      assertTrue(tookMs < 2_500, "attempt " + i + " took " + tookMs + " ms");
    }
    assertEquals(0, client.transport().inFlightCalls());
  }

  @Test
  void afterAFailedConnectCallsFailFastUntilTheBackoffPasses() throws Exception {
    var client = nodes.start(b -> b.reconnectBackoff(new dev.bourne.common.retry.Backoff(Duration.ofMillis(400), Duration.ofMillis(400), 1.0)));
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    HostPort dead = new HostPort("127.0.0.1", deadPort);
    assertInstanceOf(UnreachableException.class, failureOf(client.transport().call(dead, "x", new byte[0], TIMEOUT)));
    assertEquals(1, client.metrics().count(NetMetrics.CONNECT_FAILURES));
    Throwable fast = failureOf(client.transport().call(dead, "x", new byte[0], TIMEOUT));
    assertTrue(fast.getMessage().contains("next try in"), fast.getMessage());
    assertEquals(1, client.metrics().count(NetMetrics.CONNECT_FAILURES), "no connect while backing off");
    Await.until("a new connect attempt after the backoff", TIMEOUT, () -> {
      client.transport().call(dead, "x", new byte[0], TIMEOUT).handle((r, e) -> null).join();
      return client.metrics().count(NetMetrics.CONNECT_FAILURES) == 2;
    });
  }

  @Test
  void concurrentCallersOnManyThreadsShareOneConnection() throws Exception {
    var server = nodes.start();
    var client = nodes.start();
    server.transport().handle("id", (from, payload) -> CompletableFuture.completedFuture(payload));
    int threads = 8;
    int perThread = 500;
    List<CompletableFuture<Boolean>> all = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      final int base = t * perThread;
      Thread th = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = base; i < base + perThread; i++) {
          byte[] p = ByteBuffer.allocate(4).putInt(i).array();
          all.add(client.transport().call(server.transport().localAddress(), "id", p, Duration.ofSeconds(60))
              .thenApply(r -> java.util.Arrays.equals(r, p)));
        }
      });
      th.start();
      ts.add(th);
    }
    go.countDown();
    for (Thread th : ts) {
      th.join();
    }
    for (CompletableFuture<Boolean> f : all) {
      assertTrue(f.get(60, TimeUnit.SECONDS));
    }
    assertEquals(threads * perThread, all.size());
    assertEquals(1, client.metrics().count(NetMetrics.CONNECTIONS_OPENED));
  }

  @Test
  void aPeerThatStopsReadingGetsNoMoreQueuedForIt() throws Exception {
    var client = nodes.start(b -> b.maxFrameBytes(64 * 1024)); // backlog limit: 8 MiB
    // The kernel accepts the connection into the backlog; nobody ever reads from it.
    try (ServerSocket deaf = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      HostPort to = new HostPort("127.0.0.1", deaf.getLocalPort());
      java.util.concurrent.atomic.AtomicReference<Throwable> refusal = new java.util.concurrent.atomic.AtomicReference<>();
      int made = 0;
      while (made < 4_000 && refusal.get() == null) { // up to 128 MB of requests
        client.transport().call(to, "x", new byte[32 * 1024], Duration.ofSeconds(30)).whenComplete((r, e) -> {
          if (e instanceof UnreachableException) {
            refusal.compareAndSet(null, e);
          }
        });
        made++;
      }
      Await.until("a call refused for the backlog", TIMEOUT, () -> refusal.get() != null);
      assertTrue(refusal.get().getMessage().contains("is not reading"), refusal.get().getMessage());
      assertTrue(client.metrics().count(NetMetrics.BACKLOG_REFUSALS) >= 1);
      assertTrue(made < 4_000, "still queueing after " + made + " calls");
    }
  }

  @Test
  void blackHoledPeerFailsWithTimeoutNotHang() throws Exception {
    // A listening socket that never accepts or answers: the connect may succeed (backlog) but no
    // reply ever comes.
    var client = nodes.start();
    try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      HostPort hole = new HostPort("127.0.0.1", s.getLocalPort());
      long start = System.nanoTime();
      Throwable t = failureOf(client.transport().call(hole, "x", new byte[0], Duration.ofMillis(300)));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertInstanceOf(TimedOutException.class, t);
      assertTrue(tookMs < 3_000, "took " + tookMs + " ms");
    }
  }

  @Test
  void reconnectsAfterThePeerRestartsOnTheSamePort() throws Exception {
    var server = nodes.start();
    var client = nodes.start();
    server.transport().handle("who", (from, payload) -> CompletableFuture.completedFuture(bytes("first")));
    HostPort addr = server.transport().localAddress();
    assertEquals("first", new String(client.transport().call(addr, "who", new byte[0], TIMEOUT).get(), StandardCharsets.UTF_8));

    server.transport().close();
    assertInstanceOf(UnreachableException.class, failureOf(client.transport().call(addr, "who", new byte[0], TIMEOUT)));

    var restarted = nodes.start(b -> b.bind(addr));
    restarted.transport().handle("who", (from, payload) -> CompletableFuture.completedFuture(bytes("second")));
    AtomicReference<String> got = new AtomicReference<>();
    Await.until("a call reaches the restarted peer", TIMEOUT, () -> {
      try {
        got.set(new String(client.transport().call(addr, "who", new byte[0], TIMEOUT).get(), StandardCharsets.UTF_8));
        return true;
      } catch (ExecutionException e) {
        assertInstanceOf(UnreachableException.class, e.getCause());
        return false;
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    assertEquals("second", got.get());
    assertEquals(2, client.metrics().count(NetMetrics.CONNECTIONS_OPENED));
    restarted.transport().close();
    Await.until("the closed peer forgotten", TIMEOUT, () -> client.transport().knownPeers() == 0);
  }

  @Test
  void handlerBourneExceptionArrivesWithCodeMessageAndDetail() {
    var server = nodes.start();
    var client = nodes.start();
    ErrorCode notLeader = new ErrorCode("NOT_LEADER");
    byte[] hint = bytes("127.0.0.1:9999");
    server.transport().handle("write", (from, payload) -> {
      throw new BourneException(notLeader, "not the leader") {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] detail() {
          return hint.clone();
        }
      };
    });
    server.transport().handle("writeAsync", (from, payload) -> CompletableFuture.failedFuture(new RemoteException(notLeader, "async", hint)));
    for (String method : List.of("write", "writeAsync")) {
      Throwable t = failureOf(client.transport().call(server.transport().localAddress(), method, new byte[0], TIMEOUT));
      RemoteException re = assertInstanceOf(RemoteException.class, t);
      assertEquals(notLeader, re.code());
      assertArrayEquals(hint, re.detail());
    }
  }

  @Test
  void otherHandlerFailuresArriveAsInternalAndUnknownMethodsAsUnknownMethod() {
    var server = nodes.start();
    var client = nodes.start();
    server.transport().handle("npe", (from, payload) -> {
      throw new NullPointerException("boom");
    });
    server.transport().handle("null", (from, payload) -> null);
    HostPort addr = server.transport().localAddress();
    RemoteException npe = assertInstanceOf(RemoteException.class, failureOf(client.transport().call(addr, "npe", new byte[0], TIMEOUT)));
    assertEquals(ErrorCode.INTERNAL, npe.code());
    assertTrue(npe.getMessage().contains("boom"), npe.getMessage());
    assertEquals(ErrorCode.INTERNAL, ((RemoteException) failureOf(client.transport().call(addr, "null", new byte[0], TIMEOUT))).code());
    RemoteException unknown = assertInstanceOf(RemoteException.class, failureOf(client.transport().call(addr, "nope", new byte[0], TIMEOUT)));
    assertEquals(ErrorCode.UNKNOWN_METHOD, unknown.code());
    assertEquals(0, unknown.detail().length);
  }

  @Test
  void oneWayMessagesArriveInOrder() throws Exception {
    var server = nodes.start();
    var client = nodes.start();
    List<String> got = java.util.Collections.synchronizedList(new ArrayList<>());
    server.transport().listen("note", (from, payload) -> got.add(new String(payload, StandardCharsets.UTF_8)));
    for (int i = 0; i < 100; i++) {
      client.transport().send(server.transport().localAddress(), "note", bytes("m" + i)).get(10, TimeUnit.SECONDS);
    }
    Await.until("100 messages", TIMEOUT, () -> got.size() == 100);
    for (int i = 0; i < 100; i++) {
      assertEquals("m" + i, got.get(i));
    }
    client.transport().send(server.transport().localAddress(), "nobody-listens", new byte[1]).get(10, TimeUnit.SECONDS);
    Await.until("unhandled counted", TIMEOUT, () -> server.metrics().count(NetMetrics.MESSAGES_UNHANDLED) == 1);
    assertEquals(1, client.metrics().count(NetMetrics.CONNECTIONS_OPENED));
  }

  @Test
  void oversizedRequestsAndRepliesFailWithTooLarge() {
    var server = nodes.start(b -> b.maxFrameBytes(4096));
    var client = nodes.start(b -> b.maxFrameBytes(4096));
    server.transport().handle("big", (from, payload) -> CompletableFuture.completedFuture(new byte[8192]));
    HostPort addr = server.transport().localAddress();
    Throwable t = failureOf(client.transport().call(addr, "big", new byte[8192], TIMEOUT));
    assertInstanceOf(PayloadTooLargeException.class, t);
    RemoteException reply = assertInstanceOf(RemoteException.class, failureOf(client.transport().call(addr, "big", new byte[1], TIMEOUT)));
    assertEquals(PayloadTooLargeException.TOO_LARGE, reply.code());
    assertInstanceOf(PayloadTooLargeException.class, failureOf(client.transport().send(addr, "big", new byte[8192])));
  }

  @Test
  void closeFailsCallsInFlightWithClosed() throws Exception {
    var server = nodes.start();
    var client = nodes.start();
    server.transport().handle("never", (from, payload) -> new CompletableFuture<>());
    List<CompletableFuture<byte[]>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(client.transport().call(server.transport().localAddress(), "never", new byte[0], Duration.ofMinutes(1)));
    }
    Await.until("requests handed to the server", TIMEOUT, () -> server.metrics().count(NetMetrics.CONNECTIONS_ACCEPTED) == 1);
    client.transport().close();
    for (CompletableFuture<byte[]> c : calls) {
      assertInstanceOf(ClosedException.class, failureOf(c));
    }
    assertEquals(0, client.transport().inFlightCalls());
    assertInstanceOf(ClosedException.class, failureOf(client.transport().call(server.transport().localAddress(), "never", new byte[0], TIMEOUT)));
    assertInstanceOf(ClosedException.class, failureOf(client.transport().send(server.transport().localAddress(), "never", new byte[0])));
    client.transport().close(); // idempotent
  }

  @Test
  void badArgumentsAreRejectedAtOnce() {
    var client = nodes.start();
    HostPort self = client.transport().localAddress();
    assertThrows(IllegalArgumentException.class, () -> client.transport().call(self, "", new byte[0], TIMEOUT));
    assertThrows(IllegalArgumentException.class, () -> client.transport().call(self, "m", new byte[0], Duration.ZERO));
    assertThrows(NullPointerException.class, () -> client.transport().call(self, "m", null, TIMEOUT));
    assertThrows(IllegalArgumentException.class, () -> client.transport().handle("", (f, p) -> null));
  }
}
