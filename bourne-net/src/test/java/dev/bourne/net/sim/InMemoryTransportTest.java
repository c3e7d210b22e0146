package dev.bourne.net.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.common.error.TimedOutException;
import dev.bourne.common.net.HostPort;
import dev.bourne.net.PayloadTooLargeException;
import dev.bourne.net.RemoteException;
import dev.bourne.net.UnreachableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class InMemoryTransportTest {
  private static final HostPort A = HostPort.parse("10.0.0.1:7000");
  private static final HostPort B = HostPort.parse("10.0.0.2:7000");
  private static final Duration SECOND = Duration.ofSeconds(1);

  private final InMemoryNetwork net = new InMemoryNetwork(1234);
  private final InMemoryTransport a = net.transport(A);
  private final InMemoryTransport b = net.transport(B);

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static Throwable failureOf(CompletableFuture<?> f) {
    assertTrue(f.isCompletedExceptionally(), "expected a failed future, got " + f);
    return assertThrows(CompletionException.class, f::join).getCause();
  }

  private void echoOn(InMemoryTransport t) {
    t.handle("echo", (from, p) -> CompletableFuture.completedFuture(bytes(from.source() + ":" + text(p))));
  }

  @Test
  void aRestartedTransportNeverTakesItsFormerIncarnationsReply() {
    // b answers "first" slowly and "second" at once; a closes after its first call and a new
    // transport starts at a's address and calls again. The late "first" must not answer it.
    CompletableFuture<byte[]> slow = new CompletableFuture<>();
    b.handle("ask", (from, p) -> text(p).equals("first") ? slow : CompletableFuture.completedFuture(bytes("second")));
    net.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(1)));
    CompletableFuture<byte[]> old = a.call(B, "ask", bytes("first"), SECOND);
    net.clock().advance(Duration.ofMillis(2));
    a.close();
    assertInstanceOf(ClosedException.class, failureOf(old));
    InMemoryTransport again = net.transport(A);
    CompletableFuture<byte[]> fresh = again.call(B, "ask", bytes("held"), Duration.ofMillis(50));
    b.handle("ask", (from, p) -> new CompletableFuture<>()); // the new call gets no answer at all
    slow.complete(bytes("first"));
    net.clock().advance(Duration.ofMillis(10));
    assertFalse(fresh.isDone(), "a reply meant for the closed transport answered the new one: " + fresh);
    net.clock().advance(Duration.ofMillis(50));
    assertInstanceOf(TimedOutException.class, failureOf(fresh));
  }

  @Test
  void roundTripCompletesWhenTheClockDeliversIt() {
    echoOn(b);
    net.network().setFaults(Faults.delay(Duration.ofMillis(5), Duration.ofMillis(5)));
    CompletableFuture<byte[]> reply = a.call(B, "echo", bytes("hi"), SECOND);
    net.clock().advance(Duration.ofMillis(9));
    assertFalse(reply.isDone(), "request and reply take 5 ms each");
    net.clock().advance(Duration.ofMillis(1));
    assertEquals(A + ":hi", text(reply.join()));
    assertEquals(0, a.inFlightCalls());
    assertEquals(0, net.clock().pendingTasks(), "the deadline was cancelled");
  }

  @Test
  void typedErrorsUnknownMethodsAndInternalFailures() {
    ErrorCode notLeader = new ErrorCode("NOT_LEADER");
    b.handle("w", (from, p) -> CompletableFuture.failedFuture(new RemoteException(notLeader, "go away", bytes("hint"))));
    b.handle("npe", (from, p) -> {
      throw new NullPointerException("bug");
    });
    var w = a.call(B, "w", new byte[0], SECOND);
    var unknown = a.call(B, "nope", new byte[0], SECOND);
    var npe = a.call(B, "npe", new byte[0], SECOND);
    net.clock().advance(Duration.ZERO);
    RemoteException re = assertInstanceOf(RemoteException.class, failureOf(w));
    assertEquals(notLeader, re.code());
    assertArrayEquals(bytes("hint"), re.detail());
    assertEquals(ErrorCode.UNKNOWN_METHOD, ((RemoteException) failureOf(unknown)).code());
    assertEquals(ErrorCode.INTERNAL, ((RemoteException) failureOf(npe)).code());
  }

  @Test
  void timeoutFiresExactlyAtTheDeadlineOnTheVirtualClock() {
    b.handle("never", (from, p) -> new CompletableFuture<>());
    var call = a.call(B, "never", new byte[0], Duration.ofMillis(100));
    net.clock().advance(Duration.ofMillis(99));
    assertFalse(call.isDone());
    net.clock().advance(Duration.ofMillis(1));
    assertInstanceOf(TimedOutException.class, failureOf(call));
    assertEquals(0, a.inFlightCalls());
  }

  @Test
  void callingANodeThatIsNotThereFailsAtOnce() {
    var call = a.call(HostPort.parse("10.0.0.9:7000"), "echo", new byte[0], SECOND);
    assertInstanceOf(UnreachableException.class, failureOf(call));
    assertInstanceOf(UnreachableException.class, failureOf(a.send(HostPort.parse("10.0.0.9:7000"), "m", new byte[0])));
  }

  @Test
  void peerClosingFailsCallsInFlightAsUnreachableAndOwnCloseFailsThemAsClosed() {
    b.handle("never", (from, p) -> new CompletableFuture<>());
    var toB = a.call(B, "never", new byte[0], SECOND);
    net.clock().advance(Duration.ZERO);
    b.close();
    assertInstanceOf(UnreachableException.class, failureOf(toB));
    assertFalse(net.network().isAttached(B));

    InMemoryTransport c = net.transport(HostPort.parse("10.0.0.3:7000"));
    c.handle("never", (from, p) -> new CompletableFuture<>());
    var toC = a.call(c.localAddress(), "never", new byte[0], SECOND);
    a.close();
    assertInstanceOf(ClosedException.class, failureOf(toC));
    assertInstanceOf(ClosedException.class, failureOf(a.call(c.localAddress(), "never", new byte[0], SECOND)));
    assertInstanceOf(ClosedException.class, failureOf(a.send(c.localAddress(), "never", new byte[0])));
    assertEquals(0, a.inFlightCalls());
    a.close(); // idempotent
  }

  @Test
  void restartedNodeAtTheSameAddressIsReachableAgain() {
    b.close();
    assertInstanceOf(UnreachableException.class, failureOf(a.call(B, "echo", new byte[0], SECOND)));
    InMemoryTransport b2 = net.transport(B);
    echoOn(b2);
    var call = a.call(B, "echo", bytes("again"), SECOND);
    net.clock().advance(Duration.ZERO);
    assertEquals(A + ":again", text(call.join()));
    assertThrows(IllegalStateException.class, () -> net.transport(B));
  }

  @Test
  void partitionedPeerMakesCallsTimeOutAndDetachedPeerRefusesNewOnes() {
    echoOn(b);
    net.network().partition(Set.of(A), Set.of(B));
    var cut = a.call(B, "echo", new byte[0], Duration.ofMillis(50));
    net.clock().advance(Duration.ofMillis(50));
    assertInstanceOf(TimedOutException.class, failureOf(cut));
    net.network().heal();

    net.network().cutOneWay(B, A); // the request arrives, the reply does not
    List<String> served = new ArrayList<>();
    b.handle("count", (from, p) -> {
      served.add(text(p));
      return CompletableFuture.completedFuture(new byte[0]);
    });
    var oneWay = a.call(B, "count", bytes("x"), Duration.ofMillis(50));
    net.clock().advance(Duration.ofMillis(50));
    assertEquals(List.of("x"), served);
    assertInstanceOf(TimedOutException.class, failureOf(oneWay));
    net.network().heal();

    net.network().detach(B);
    var detached = a.call(B, "echo", new byte[0], Duration.ofMillis(50));
    assertInstanceOf(UnreachableException.class, failureOf(detached), "a detached node refuses new calls");
  }

  @Test
  void droppedRequestsTimeOutAndDuplicatedOnesAreServedTwiceButAnsweredOnce() {
    List<String> served = new ArrayList<>();
    b.handle("count", (from, p) -> {
      served.add(text(p));
      return CompletableFuture.completedFuture(bytes("ok"));
    });
    net.network().setFaults(Faults.NONE.withDropRate(1));
    var dropped = a.call(B, "count", bytes("lost"), Duration.ofMillis(10));
    net.clock().advance(Duration.ofMillis(10));
    assertInstanceOf(TimedOutException.class, failureOf(dropped));
    assertTrue(served.isEmpty());

    net.network().setFaults(Faults.NONE.withDuplicateRate(1));
    var dup = a.call(B, "count", bytes("twice"), SECOND);
    net.clock().advance(Duration.ofMillis(1));
    assertEquals("ok", text(dup.join()));
    assertEquals(List.of("twice", "twice"), served);
    assertEquals(3, a.lateReplies(), "2 requests x 2 replies each: 1 used, 3 late");
  }

  @Test
  void oneWayMessagesAndDatagramsReachListeners() {
    List<String> got = new ArrayList<>();
    b.listen("note", (from, p) -> got.add(from.source() + ">" + text(p)));
    a.send(B, "note", bytes("tcp-like")).join();
    a.sendDatagram(B, "note", bytes("udp-like")).join();
    a.sendDatagram(B, "unheard", bytes("x")).join();
    a.sendDatagram(HostPort.parse("10.9.9.9:1"), "note", bytes("into the void")).join();
    net.clock().advance(Duration.ZERO);
    assertEquals(List.of(A + ">tcp-like", A + ">udp-like"), got);
    assertEquals(1, b.unhandledMessages());
  }

  @Test
  void sizeLimitsMatchTheRealTransport() {
    assertEquals(1400, a.maxDatagramPayload());
    assertThrows(PayloadTooLargeException.class, () -> a.sendDatagram(B, "m", new byte[1401]));
    a.sendDatagram(B, "m", new byte[1400]).join();
    InMemoryNetwork small = new InMemoryNetwork(new SimNetwork<>(new dev.bourne.common.time.VirtualClock(), new java.util.Random(1)), 2048, 100);
    InMemoryTransport x = small.transport(A);
    small.transport(B);
    assertInstanceOf(PayloadTooLargeException.class, failureOf(x.call(B, "m", new byte[4096], SECOND)));
    assertInstanceOf(PayloadTooLargeException.class, failureOf(x.send(B, "m", new byte[4096])));
  }

  @Test
  void sameSeedGivesTheSameOutcomes() {
    assertEquals(outcomes(7), outcomes(7));
  }

  private List<String> outcomes(long seed) {
    InMemoryNetwork n = new InMemoryNetwork(seed);
    InMemoryTransport x = n.transport(A);
    InMemoryTransport y = n.transport(B);
    y.handle("echo", (from, p) -> CompletableFuture.completedFuture(p));
    n.network().setFaults(new Faults(0.2, Duration.ofMillis(1), Duration.ofMillis(30), 0.1, 0.1));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      final int id = i;
      x.call(B, "echo", bytes("m" + i), Duration.ofMillis(40))
          .whenComplete((r, e) -> out.add(n.clock().nanoTime() + " " + id + " " + (e == null ? text(r) : e.getClass().getSimpleName())));
      n.clock().advance(Duration.ofMillis(1));
    }
    n.clock().advance(SECOND);
    assertEquals(200, out.size(), "every call completed one way or the other");
    return out;
  }
}
