package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.config.ConfigException;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.kayak.Kayak;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.InvalidChangeException;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Role;
import dev.bourne.net.Transport;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Administration of the configuration through the public API, on real hosts over loopback: a
 * cluster bootstrapped with three voters at once, and learners added, promoted and removed from a
 * follower (forwarded to the leader), with the leader's refusals reaching the caller typed.
 */
class AdminTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<KayakHost> hosts = new CopyOnWriteArrayList<>();
  private final Random random = new Random(7);

  @AfterEach
  void stopAll() {
    hosts.forEach(KayakHost::shutdown);
  }

  private static KayakConfig config(Path data, HostPort bind, NodeId id) {
    // promotion left to the administrator, as autopilot does
    return KayakConfig.builder(data).bind(bind).memberId(id).tick(Duration.ofMillis(20)).ticks(10, 2)
        .learners(false, 64).appendTimeout(Duration.ofSeconds(5)).joinTimeout(Duration.ofSeconds(15)).build();
  }

  private static HostPort freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return new HostPort("127.0.0.1", s.getLocalPort());
    }
  }

  private static Transport transport(HostPort bind) {
    return NettyTransport.start(TransportConfig.builder().bind(bind).ioThreads(1).build());
  }

  /** Three voters at once: one bootstraps with all three, the two others join its cluster by id. */
  private List<KayakHost> bootstrapThree() throws Exception {
    Map<NodeId, HostPort> voters = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      voters.put(NodeId.random(random), freePort());
    }
    List<NodeId> ids = List.copyOf(voters.keySet());
    KayakHost first = Kayak.bootstrap(config(dir.resolve("m0"), voters.get(ids.get(0)), ids.get(0)), voters,
        transport(voters.get(ids.get(0))), true);
    hosts.add(first);
    ClusterId cluster = first.clusterId().orElseThrow();
    List<CompletableFuture<KayakHost>> others = new java.util.ArrayList<>();
    for (int i = 1; i < 3; i++) {
      NodeId id = ids.get(i);
      Path data = dir.resolve("m" + i);
      others.add(CompletableFuture.supplyAsync(() -> Kayak.join(config(data, voters.get(id), id),
          List.of(first.address()), cluster, transport(voters.get(id)), true)));
    }
    List<KayakHost> all = new java.util.ArrayList<>(List.of(first));
    for (CompletableFuture<KayakHost> f : others) {
      KayakHost h = f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      hosts.add(h);
      all.add(h);
    }
    return all;
  }

  private static KayakHost leaderOf(List<KayakHost> hosts) {
    Await.until("a leader", WAIT, () -> hosts.stream().anyMatch(h -> h.role() == Role.LEADER));
    return hosts.stream().filter(h -> h.role() == Role.LEADER).findFirst().orElseThrow();
  }

  private static Throwable failure(CompletableFuture<?> f) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void threeVotersBootstrappedAtOnceFormOneClusterWithAllThree() throws Exception {
    List<KayakHost> three = bootstrapThree();
    ClusterId cluster = three.get(0).clusterId().orElseThrow();
    for (KayakHost h : three) {
      assertEquals(cluster, h.clusterId().orElseThrow());
      Await.until(h.id().shortString() + " sees three voters", WAIT,
          () -> h.roster().stream().filter(Member::voter).count() == 3);
    }
    KayakHost leader = leaderOf(three);
    long index = leader.log().append("after formation".getBytes()).get(10, TimeUnit.SECONDS).index();
    for (KayakHost h : three) {
      Await.until(h.id().shortString() + " commits " + index, WAIT, () -> h.log().committed() >= index);
    }
  }

  @Test
  void aMemberIdOtherThanTheDirectorysIsAClearError() throws Exception {
    NodeId id = NodeId.random(random);
    HostPort bind = freePort();
    Path data = dir.resolve("x");
    KayakHost h = Kayak.start(config(data, bind, id), transport(bind), true);
    h.close();
    NodeId other = NodeId.random(random);
    ConfigException e = assertThrows(ConfigException.class,
        () -> Kayak.start(config(data, bind, other), transport(bind), true));
    assertTrue(e.getMessage().contains(id.toString()), e.getMessage());
    Map<NodeId, HostPort> withoutMe = Map.of(other, bind);
    HostPort spare = freePort();
    assertThrows(IllegalArgumentException.class,
        () -> Kayak.bootstrap(config(dir.resolve("y"), bind, id), withoutMe, transport(spare), true));
    // the refused call closed the transport it was given to own: its port is free again
    transport(spare).close();
  }

  @Test
  void learnersAreAddedPromotedAndRemovedFromAFollower() throws Exception {
    List<KayakHost> three = bootstrapThree();
    KayakHost leader = leaderOf(three);
    KayakHost follower = three.stream().filter(h -> h != leader).findFirst().orElseThrow();
    ClusterId cluster = leader.clusterId().orElseThrow();
    for (int i = 0; i < 20; i++) {
      leader.log().append(("e" + i).getBytes()).get(10, TimeUnit.SECONDS);
    }

    // A member that is not there cannot be promoted: refused by the leader, typed at the follower.
    NodeId stranger = NodeId.random(random);
    Throwable notLearner = failure(follower.admin().promote(stranger));
    assertInstanceOf(InvalidChangeException.class, notLearner);
    assertEquals(InvalidChangeException.CODE, ((InvalidChangeException) notLearner).code());
    assertTrue(notLearner.getMessage().contains("not a learner"), notLearner.getMessage());

    // A learner may be added before it runs; adding it again is a no-op; removing it twice too.
    HostPort nowhere = freePort();
    follower.admin().addLearner(stranger, nowhere).get(10, TimeUnit.SECONDS);
    follower.admin().addLearner(stranger, nowhere).get(10, TimeUnit.SECONDS);
    assertTrue(leader.roster().contains(new Member(stranger, nowhere, false)), leader.roster().toString());
    Throwable behind = failure(follower.admin().promote(stranger));
    assertInstanceOf(InvalidChangeException.class, behind);
    assertTrue(behind.getMessage().contains("yet"), behind.getMessage());
    follower.admin().remove(stranger).get(10, TimeUnit.SECONDS);
    follower.admin().remove(stranger).get(10, TimeUnit.SECONDS);
    assertFalse(leader.roster().stream().anyMatch(m -> m.id().equals(stranger)));

    // A new member joins as a learner and stays one (no automatic promotion) until promoted.
    NodeId fourth = NodeId.random(random);
    HostPort fourthAt = freePort();
    CompletableFuture<KayakHost> joining = CompletableFuture.supplyAsync(() -> Kayak.join(
        config(dir.resolve("m3"), fourthAt, fourth), List.of(follower.address()), cluster, transport(fourthAt), true));
    Await.until("the fourth member is a learner", WAIT,
        () -> leader.roster().contains(new Member(fourth, fourthAt, false)));
    Await.until("the learner caught up", WAIT, () -> follower.admin().promote(fourth).handle((v, e) -> e == null).join());
    KayakHost d = joining.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    hosts.add(d);
    assertTrue(leader.roster().contains(new Member(fourth, fourthAt, true)), leader.roster().toString());
    long index = leader.log().append("with four".getBytes()).get(10, TimeUnit.SECONDS).index();
    Await.until("the new voter commits " + index, WAIT, () -> d.log().committed() >= index);

    // Removing the leader from a follower: the leader hands over, the others go on.
    follower.admin().remove(leader.id()).get(10, TimeUnit.SECONDS);
    List<KayakHost> rest = three.stream().filter(h -> h != leader).toList();
    List<KayakHost> remaining = new java.util.ArrayList<>(rest);
    remaining.add(d);
    KayakHost next = leaderOf(remaining);
    assertFalse(next.roster().stream().anyMatch(m -> m.id().equals(leader.id())), next.roster().toString());
    long after = next.log().append("without the old leader".getBytes()).get(10, TimeUnit.SECONDS).index();
    for (KayakHost h : remaining) {
      Await.until(h.id().shortString() + " commits " + after, WAIT, () -> h.log().committed() >= after);
    }
  }
}
