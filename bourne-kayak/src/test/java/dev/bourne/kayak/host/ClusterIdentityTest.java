package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.error.TimedOutException;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.kayak.Kayak;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.ClusterMismatchException;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.NoLeaderException;
import dev.bourne.kayak.api.Role;
import dev.bourne.net.MessageHandler;
import dev.bourne.net.RequestHandler;
import dev.bourne.net.Transport;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every cluster has an id, and a data directory that belongs to a cluster never starts another
 * one: the three ways the issue found to split a cluster (a joiner accepted but never caught up,
 * restarted with {@code start}; the same with the real cluster down meanwhile; a fresh cluster at a
 * former member's address) stay one cluster each, and a member pointed at another cluster's peers
 * gets an error naming both. Real sockets, real files, public API.
 */
class ClusterIdentityTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<KayakHost> hosts = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopAll() {
    hosts.forEach(KayakHost::shutdown);
  }

  private static KayakConfig config(Path data, HostPort bind) {
    return KayakConfig.builder(data).bind(bind).tick(Duration.ofMillis(20)).ticks(10, 2)
        .appendTimeout(Duration.ofSeconds(2)).joinTimeout(Duration.ofMillis(1500)).build();
  }

  private static HostPort any() {
    return new HostPort("127.0.0.1", 0);
  }

  private static Transport transport(HostPort bind) {
    return NettyTransport.start(TransportConfig.builder().bind(bind).ioThreads(1).build());
  }

  private KayakHost start(Path data, HostPort bind) {
    KayakHost h = Kayak.start(config(data, bind), transport(bind), true);
    hosts.add(h);
    return h;
  }

  private KayakHost join(Path data, HostPort bind, KayakHost through) {
    KayakHost h = Kayak.join(config(data, bind), List.of(through.address()), transport(bind), true);
    hosts.add(h);
    return h;
  }

  /** Three voters, {@code appends} events committed; returns them leader first. */
  private List<KayakHost> cluster(int appends) throws Exception {
    KayakHost first = start(dir.resolve("m0"), any());
    Await.until("first member leads", WAIT, () -> first.role() == Role.LEADER);
    List<KayakHost> members = new ArrayList<>(List.of(first));
    for (int i = 1; i < 3; i++) {
      members.add(join(dir.resolve("m" + i), any(), first));
    }
    Await.until("three voters", WAIT, () -> first.roster().stream().filter(Member::voter).count() == 3);
    for (int i = 0; i < appends; i++) {
      first.log().append(ClusterScenarios.bytes("real-" + i)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    return members;
  }

  /**
   * A joiner whose incoming Raft messages are dropped: the leader accepts its join, but it never
   * receives an entry, and its join times out. Leaves its directory with its id, the cluster marker
   * and an empty log, as a crash right after the leader accepted the join would.
   */
  private HostPort joinerThatNeverCaughtUp(Path data, KayakHost through) {
    Transport inner = transport(any());
    HostPort address = inner.localAddress();
    Transport deaf = new RaftDeafTransport(inner);
    var e = assertThrows(TimedOutException.class,
        () -> Kayak.join(config(data, address), List.of(through.address()), deaf, true));
    assertTrue(e.getMessage().contains("join"), e.getMessage());
    Await.until("the leader lists the joiner as a learner", WAIT, () -> through.roster().stream()
        .anyMatch(m -> m.address().equals(address) && !m.voter()));
    return address;
  }

  @Test
  void aJoinerAcceptedButNeverCaughtUpResumesTheClusterWhenRestartedWithStart() throws Exception {
    List<KayakHost> real = cluster(5);
    KayakHost leader = real.get(0);
    ClusterId id = leader.clusterId().orElseThrow();
    Path data = dir.resolve("joiner");
    HostPort address = joinerThatNeverCaughtUp(data, leader);

    KayakHost restarted = start(data, address);
    assertEquals(Optional.of(id), restarted.clusterId(), "resumed the cluster it was accepted by");
    Await.until("the restarted joiner is promoted to voter", WAIT, () -> leader.roster().stream()
        .anyMatch(m -> m.id().equals(restarted.id()) && m.voter()));
    Entry appended = restarted.log().append(ClusterScenarios.bytes("after")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Await.until("the leader applied it", WAIT, () -> leader.log().committed() >= appended.index());
    List<Entry> theirs = ClusterScenarios.readAll(leader, appended.index());
    List<Entry> mine = ClusterScenarios.readAll(restarted, appended.index());
    assertEquals(theirs.size(), mine.size());
    for (int i = 0; i < theirs.size(); i++) {
      assertEquals(theirs.get(i).term(), mine.get(i).term(), "term at index " + (i + 1));
      assertArrayEquals(theirs.get(i).payload(), mine.get(i).payload(), "payload at index " + (i + 1));
    }
  }

  @Test
  void withTheRealClusterDownTheRestartedJoinerNeverLeadsAndLaterCatchesUp() throws Exception {
    List<KayakHost> real = cluster(20);
    KayakHost leader = real.get(0);
    ClusterId id = leader.clusterId().orElseThrow();
    long committed = leader.log().committed();
    Path data = dir.resolve("joiner");
    HostPort address = joinerThatNeverCaughtUp(data, leader);
    List<HostPort> addresses = real.stream().map(KayakHost::address).toList();
    real.forEach(h -> {
      h.shutdown();
      hosts.remove(h);
    });

    KayakHost restarted = start(data, address);
    List<Role> roles = new CopyOnWriteArrayList<>();
    restarted.onRoleChange(roles::add);
    // An append needs a leader; with the real cluster down it fails after its timeout (2 s, ten
    // election timeouts), and in all that time the restarted joiner must not lead a cluster of its own.
    var failed = assertThrows(ExecutionException.class, () -> restarted.log().append(ClusterScenarios.bytes("split"))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertTrue(failed.getCause() instanceof NoLeaderException || failed.getCause() instanceof TimedOutException,
        failed.getCause().toString());
    assertFalse(roles.contains(Role.LEADER), "led while its cluster was down: " + roles);
    assertEquals(0, restarted.log().committed(), "it committed nothing on its own");

    List<KayakHost> back = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      back.add(start(dir.resolve("m" + i), addresses.get(i)));
    }
    Await.until("the restarted joiner caught up with the real cluster", WAIT,
        () -> restarted.log().committed() >= committed);
    assertEquals(Optional.of(id), restarted.clusterId());
    List<Entry> entries = ClusterScenarios.readAll(restarted, committed);
    assertEquals(20, ClusterScenarios.events(entries).stream().filter(e -> e.startsWith("real-")).count(),
        "every acknowledged append of the real cluster");
  }

  @Test
  void aLearnerRestartedOnANewAddressIsReachedThereAndPromoted() throws Exception {
    List<KayakHost> real = cluster(5);
    KayakHost leader = real.get(0);
    Path data = dir.resolve("joiner");
    HostPort old = joinerThatNeverCaughtUp(data, leader); // a learner in the leader's configuration
    // Restarted on another port: its join call tells the leader where it listens now.
    KayakHost moved = join(data, any(), leader);
    assertTrue(!moved.address().equals(old), "a new port");
    Await.until("the leader lists it at its new address, as a voter", WAIT, () -> leader.roster().stream()
        .anyMatch(m -> m.id().equals(moved.id()) && m.voter() && m.address().equals(moved.address())));
    Entry e = moved.log().append(ClusterScenarios.bytes("from the moved member")).get(WAIT.toSeconds(),
        TimeUnit.SECONDS);
    Await.until("the leader has it", WAIT, () -> leader.log().committed() >= e.index());
  }

  @Test
  void aNewClusterAtAFormerMembersAddressIsNeverMixedWithTheOldOne() throws Exception {
    List<KayakHost> old = cluster(3);
    KayakHost leader = old.get(0);
    KayakHost former = old.get(2);
    HostPort address = former.address();
    former.shutdown();
    hosts.remove(former);

    KayakHost fresh = start(dir.resolve("fresh"), address); // an empty directory: rightly a new cluster
    Await.until("the new member leads its own cluster", WAIT, () -> fresh.role() == Role.LEADER);
    assertNotEquals(leader.clusterId(), fresh.clusterId());
    Await.until("it refuses the old cluster's messages", WAIT, () -> ((RaftHost) fresh).foreignMessages() > 0);
    assertEquals(1, fresh.roster().size(), "the old cluster did not adopt it: " + fresh.roster());
    assertTrue(fresh.log().head() < 3, "it received none of the old cluster's entries");
    Entry own = fresh.log().append(ClusterScenarios.bytes("new")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Entry oldOne = leader.log().append(ClusterScenarios.bytes("old")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(own.index() < oldOne.index(), "two separate logs");
  }

  @Test
  void aMemberPointedAtAnotherClustersPeersGetsAnErrorNamingBothIds() throws Exception {
    KayakHost other = start(dir.resolve("other"), any());
    Await.until("the other cluster has a leader", WAIT, () -> other.role() == Role.LEADER);
    List<KayakHost> mine = cluster(1);
    KayakHost member = mine.get(1);
    ClusterId myCluster = member.clusterId().orElseThrow();
    HostPort address = member.address();
    member.shutdown();
    hosts.remove(member);

    var e = assertThrows(ClusterMismatchException.class,
        () -> Kayak.join(config(dir.resolve("m1"), address), List.of(other.address()), transport(address), true));
    assertEquals(myCluster, e.local());
    assertEquals(other.clusterId().orElseThrow(), e.remote());
    assertTrue(e.getMessage().contains(myCluster.toString()) && e.getMessage().contains(e.remote().toString()),
        e.getMessage());

    KayakHost back = join(dir.resolve("m1"), address, mine.get(0)); // the right peers: it resumes
    assertEquals(Optional.of(myCluster), back.clusterId());
  }

  /** A transport that drops every incoming Raft message, and passes everything else through. */
  private static final class RaftDeafTransport implements Transport {
    private final Transport inner;

    RaftDeafTransport(Transport inner) {
      this.inner = inner;
    }

    @Override
    public HostPort localAddress() {
      return inner.localAddress();
    }

    @Override
    public void handle(String method, RequestHandler handler) {
      inner.handle(method, handler);
    }

    @Override
    public void listen(String method, MessageHandler handler) {
      inner.listen(method, RaftHost.RAFT_METHOD.equals(method) ? (from, payload) -> { } : handler);
    }

    @Override
    public CompletableFuture<byte[]> call(HostPort peer, String method, byte[] payload, Duration timeout) {
      return inner.call(peer, method, payload, timeout);
    }

    @Override
    public CompletableFuture<Void> send(HostPort peer, String method, byte[] payload) {
      return inner.send(peer, method, payload);
    }

    @Override
    public CompletableFuture<Void> sendDatagram(HostPort peer, String method, byte[] payload) {
      return inner.sendDatagram(peer, method, payload);
    }

    @Override
    public int maxDatagramPayload() {
      return inner.maxDatagramPayload();
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
