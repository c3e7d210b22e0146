package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.bourne.common.error.ClosedException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.kayak.Kayak;
import dev.bourne.kayak.api.EntryTooLargeException;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.NoLeaderException;
import dev.bourne.kayak.api.NotLeaderException;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.api.Subscription;
import dev.bourne.kayak.wire.AppendCall;
import dev.bourne.net.RemoteException;
import dev.bourne.net.UnreachableException;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Typed errors across the wire, hostile input, and requests on a closed host, on real sockets. */
class HostErrorsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<KayakHost> hosts = new ArrayList<>();
  private NettyTransport client;

  @AfterEach
  void stop() {
    hosts.forEach(KayakHost::shutdown);
    if (client != null) {
      client.close();
    }
  }

  private KayakConfig config(String name, Duration appendTimeout) {
    return KayakConfig.builder(dir.resolve(name)).tick(Duration.ofMillis(20)).appendTimeout(appendTimeout).build();
  }

  private List<KayakHost> cluster(Duration appendTimeout) {
    KayakHost first = Kayak.start(config("a", appendTimeout));
    hosts.add(first);
    Await.until("first leads", WAIT, () -> first.role() == Role.LEADER);
    hosts.add(Kayak.join(config("b", appendTimeout), List.of(first.address())));
    hosts.add(Kayak.join(config("c", appendTimeout), List.of(hosts.get(1).address())));
    Await.until("three voters", WAIT, () -> hosts.stream().allMatch(
        h -> h.roster().stream().filter(Member::voter).count() == 3 && h.leader().isPresent()));
    return hosts;
  }

  private static Throwable cause(ExecutionException e) {
    return e.getCause();
  }

  @Test
  void notLeaderCarriesTheLeaderHintAcrossTheWire() throws Exception {
    cluster(Duration.ofSeconds(10));
    KayakHost leader = hosts.stream().filter(h -> h.role() == Role.LEADER).findFirst().orElseThrow();
    KayakHost follower = hosts.stream().filter(h -> h != leader).findFirst().orElseThrow();
    client = NettyTransport.start(TransportConfig.builder().build());
    byte[] call = AppendCall.newBuilder().addEvents(ByteString.copyFromUtf8("x")).setSession(5).addSeqs(1)
        .addSettleds(1).build().toByteArray();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> client.call(follower.address(), Requests.APPEND, call, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS));
    RemoteException remote = assertInstanceOf(RemoteException.class, cause(e));
    assertEquals(NotLeaderException.CODE, remote.code());
    NotLeaderException hint = NotLeaderException.from(remote);
    assertEquals(leader.address(), hint.leaderAddress().orElseThrow());
    assertEquals(leader.id(), hint.leaderId().orElseThrow());
  }

  @Test
  void malformedInputIsDroppedAndTheMemberKeepsWorking() throws Exception {
    cluster(Duration.ofSeconds(10));
    KayakHost target = hosts.get(1);
    client = NettyTransport.start(TransportConfig.builder().build());
    client.send(target.address(), RaftHost.RAFT_METHOD, new byte[] {(byte) 0xff, 0x01, 0x02}).get(5, TimeUnit.SECONDS);
    Await.until("malformed message counted", WAIT, () -> ((RaftHost) target).malformedMessages() > 0);
    ExecutionException e = assertThrows(ExecutionException.class, () -> client.call(target.address(),
        Requests.APPEND, new byte[] {(byte) 0xff, 0x7f}, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(ErrorCode.BAD_REQUEST, assertInstanceOf(RemoteException.class, cause(e)).code());
    assertTrue(target.log().append("still works".getBytes()).get(WAIT.toSeconds(), TimeUnit.SECONDS).index() > 0);
    byte[] tooBig = new byte[target instanceof RaftHost r ? r.config.maxEntryBytes() + 1 : 0];
    e = assertThrows(ExecutionException.class, () -> target.log().append(tooBig).get(5, TimeUnit.SECONDS));
    EntryTooLargeException tooLarge = assertInstanceOf(EntryTooLargeException.class, cause(e));
    assertEquals(tooBig.length, tooLarge.size());
    assertEquals(tooBig.length - 1, tooLarge.limit());
  }

  @Test
  void joiningWhereNothingListensFailsFastWithUnreachableNamingEveryAddress() {
    List<HostPort> nobody = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      NettyTransport t = NettyTransport.start(TransportConfig.builder().build());
      nobody.add(t.localAddress());
      t.close(); // the port is free again: connections to it are refused
    }
    var config = KayakConfig.builder(dir.resolve("lonely")).tick(Duration.ofMillis(20))
        .joinTimeout(Duration.ofSeconds(60)).build();
    CompletableFuture<KayakHost> joining = CompletableFuture.supplyAsync(() -> Kayak.join(config, nobody));
    // The join timeout is 60 s: an answer within 15 s is the early UNREACHABLE, not the timeout.
    ExecutionException e = assertThrows(ExecutionException.class, () -> joining.get(15, TimeUnit.SECONDS));
    UnreachableException unreachable = assertInstanceOf(UnreachableException.class, e.getCause());
    assertEquals(ErrorCode.UNREACHABLE, unreachable.code());
    for (HostPort a : nobody) {
      assertTrue(unreachable.getMessage().contains(a.toString()), unreachable.getMessage());
    }
  }

  @Test
  void anEventOverTheLeadersLowerLimitFailsAtOnceWithTheLimitAndItsBatchMatesCommit() throws Exception {
    KayakHost leader = Kayak.start(KayakConfig.builder(dir.resolve("small")).tick(Duration.ofMillis(20))
        .maxEntryBytes(1000).appendTimeout(Duration.ofSeconds(60)).build());
    hosts.add(leader);
    Await.until("first leads", WAIT, () -> leader.role() == Role.LEADER);
    KayakHost follower = Kayak.join(config("large", Duration.ofSeconds(60)), List.of(leader.address()));
    hosts.add(follower);
    Await.until("the follower knows the leader", WAIT, () -> follower.leader().isPresent());
    var big = follower.log().append(new byte[5000]);
    var small = follower.log().append(new byte[10]); // likely forwarded in the same batch
    // The append timeout is 60 s: an answer within 10 s is the leader's refusal, not a timeout.
    ExecutionException e = assertThrows(ExecutionException.class, () -> big.get(10, TimeUnit.SECONDS));
    EntryTooLargeException refused = assertInstanceOf(EntryTooLargeException.class, cause(e));
    assertEquals(5000, refused.size());
    assertEquals(1000, refused.limit());
    assertEquals(EntryTooLargeException.CODE, refused.code());
    assertTrue(small.get(10, TimeUnit.SECONDS).index() > 0);
  }

  @Test
  void withoutAQuorumAppendsFailWithNoLeaderAtTheirDeadline() throws Exception {
    cluster(Duration.ofMillis(1500));
    KayakHost survivor = hosts.stream().filter(h -> h.role() != Role.LEADER).findFirst().orElseThrow();
    for (KayakHost h : hosts) {
      if (h != survivor) {
        h.shutdown();
      }
    }
    Await.until("survivor knows no leader", WAIT, () -> survivor.leader().isEmpty() && survivor.role() != Role.LEADER);
    long start = System.nanoTime();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> survivor.log().append("lost".getBytes()).get(WAIT.toSeconds(), TimeUnit.SECONDS));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(NoLeaderException.class, cause(e));
    assertTrue(tookMs >= 1400 && tookMs < 10_000, "failed after " + tookMs + " ms");
    e = assertThrows(ExecutionException.class, () -> survivor.sync().barrier().get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertInstanceOf(NoLeaderException.class, cause(e));
  }

  @Test
  void aClosedHostFailsRequestsWithClosed() throws Exception {
    KayakHost h = Kayak.start(config("solo", Duration.ofSeconds(5)));
    hosts.add(h);
    Await.until("solo leads", WAIT, () -> h.role() == Role.LEADER);
    long first = h.log().append("one".getBytes()).get(WAIT.toSeconds(), TimeUnit.SECONDS).index();
    Subscription s = h.log().listen(1);
    h.close();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> h.log().append("two".getBytes()).get(5, TimeUnit.SECONDS));
    assertInstanceOf(ClosedException.class, cause(e));
    assertThrows(ClosedException.class, () -> s.poll(10, Duration.ofMillis(10)));
    KayakHost again = Kayak.start(config("solo", Duration.ofSeconds(5)));
    hosts.add(again);
    assertEquals(h.id(), again.id());
    Await.until("restarted solo leads", WAIT, () -> again.role() == Role.LEADER);
    assertTrue(again.log().append("three".getBytes()).get(WAIT.toSeconds(), TimeUnit.SECONDS).index() > first);
  }
}
