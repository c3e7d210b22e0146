package dev.bourne.kayak.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Role;
import dev.bourne.net.Transport;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real members on loopback (Convoy and Kayak sharing one Netty transport each, real files): five
 * members started at once for a group expecting 3 form one group; a killed voter is replaced and
 * removed after the threshold while the group keeps serving; restarted, it comes back as a learner,
 * and when a second voter dies a learner takes that place too.
 */
class GroupFormationTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final List<Node> nodes = new ArrayList<>();

  /** One process's worth: a transport, a Convoy member, its groups, and the group's handle. */
  private static final class Node {
    final int number;
    Transport transport;
    ConvoyHost convoy;
    KayakGroups groups;
    GroupHandle group;

    Node(int number) {
      this.number = number;
    }

    KayakHost host() {
      return group.host().orElseThrow();
    }

    void kill() {
      groups.close();
      convoy.shutdown();
      transport.close();
    }
  }

  @AfterEach
  void stopAll() {
    for (Node n : nodes) {
      try {
        n.kill();
      } catch (RuntimeException e) {
        // already stopped
      }
    }
  }

  private GroupSpec spec(int number) {
    return GroupSpec.named("meta").expect(3)
        .kayak(b -> b.tick(Duration.ofMillis(20)).ticks(10, 2).appendTimeout(Duration.ofSeconds(5)))
        .autopilot(AutopilotConfig.defaults().withTimes(Duration.ofMillis(500), Duration.ofSeconds(2))
            .withPeriod(Duration.ofMillis(100)))
        .dataDir(dir.resolve("node" + number).resolve("meta"));
  }

  private void boot(Node n, HostPort bind, HostPort seed) {
    n.transport = NettyTransport.start(TransportConfig.builder().bind(bind).maxDatagramPayload(1400)
        .maxFrameBytes(4 << 20).ioThreads(1).build());
    ConvoyConfig config = ConvoyConfig.local().bind(n.transport.localAddress()).build();
    n.convoy = seed == null ? Convoy.start(config, n.transport) : Convoy.join(config, List.of(seed), n.transport);
    n.groups = KayakGroups.on(n.convoy, n.transport);
    n.group = n.groups.join(spec(n.number));
  }

  private static KayakHost leader(List<Node> live) {
    Await.until("a leader", WAIT, () -> live.stream().anyMatch(n -> n.group.host().map(h -> h.role() == Role.LEADER)
        .orElse(false)));
    return live.stream().map(Node::host).filter(h -> h.role() == Role.LEADER).findFirst().orElseThrow();
  }

  @Test
  void fiveMembersStartedAtOnceFormOneGroupThatHealsAVoterCrash() throws Exception {
    HostPort any = new HostPort("127.0.0.1", 0);
    for (int i = 0; i < 5; i++) {
      Node n = new Node(i);
      nodes.add(n);
      boot(n, any, i == 0 ? null : nodes.get(0).transport.localAddress());
    }
    Set<ClusterId> clusters = new HashSet<>();
    for (Node n : nodes) {
      KayakHost h = n.group.formed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      clusters.add(h.clusterId().orElseThrow());
    }
    assertEquals(1, clusters.size(), "one cluster for the group: " + clusters);
    KayakHost leader = leader(nodes);
    Await.until("3 voters and 2 learners", WAIT, () -> leader.roster().stream().filter(Member::voter).count() == 3
        && leader.roster().size() == 5);
    long index = leader.log().append("formed".getBytes()).get(10, TimeUnit.SECONDS).index();
    for (Node n : nodes) {
      Await.until("node " + n.number + " commits " + index, WAIT, () -> n.host().log().committed() >= index);
    }
    GroupView view = nodes.get(4).groups.view("meta").orElseThrow();
    assertEquals(clusters.iterator().next(), view.cluster().orElseThrow());
    Await.until("the view shows 3 voters and 2 learners", WAIT, () -> {
      GroupView v = nodes.get(4).groups.view("meta").orElseThrow();
      return v.voters().size() == 3 && v.learners().size() == 2;
    });

    // Kill a voter that does not lead: a learner replaces it, the dead one is removed.
    Node victim = nodes.stream().filter(n -> n.host() != leader && n.host().roster().stream()
        .anyMatch(m -> m.id().equals(n.host().id()) && m.voter())).findFirst().orElseThrow();
    var victimId = victim.host().id();
    HostPort victimAddress = victim.transport.localAddress();
    victim.kill();
    List<Node> live = nodes.stream().filter(n -> n != victim).toList();
    Await.until("the dead voter is replaced and removed", WAIT, () -> {
      var roster = leader.roster();
      return roster.stream().filter(Member::voter).count() == 3 && roster.stream().noneMatch(m -> m.id().equals(victimId));
    });
    long after = leader.log().append("healed".getBytes()).get(10, TimeUnit.SECONDS).index();
    for (Node n : live) {
      Await.until("node " + n.number + " commits " + after, WAIT, () -> n.host().log().committed() >= after);
    }

    // Restarted on its data, it resumes its cluster and is added back as a learner.
    boot(victim, victimAddress, nodes.get(leaderNode(live, leader)).transport.localAddress());
    KayakHost back = victim.group.formed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(victimId, back.id());
    assertEquals(clusters.iterator().next(), back.clusterId().orElseThrow());
    Await.until("the restarted member is a learner again", WAIT,
        () -> leader.roster().contains(new Member(victimId, victimAddress, false)));
    Await.until("it catches up", WAIT, () -> back.log().committed() >= after);
    assertFalse(leader.roster().stream().filter(Member::voter).count() > 3, leader.roster().toString());
    assertTrue(leader.role() == Role.LEADER);

    // A second voter dies: a learner (the spare or the one that came back) takes its place.
    Node second = live.stream().filter(n -> n.host() != leader && n.host().roster().stream()
        .anyMatch(m -> m.id().equals(n.host().id()) && m.voter())).findFirst().orElseThrow();
    var secondId = second.host().id();
    second.kill();
    Await.until("three voters again without the second dead one", WAIT, () -> {
      var roster = leader.roster();
      return roster.stream().filter(Member::voter).count() == 3 && roster.stream().noneMatch(m -> m.id().equals(secondId));
    });
    long last = leader.log().append("healed twice".getBytes()).get(10, TimeUnit.SECONDS).index();
    Await.until("the restarted member commits " + last, WAIT, () -> back.log().committed() >= last);
  }

  @Test
  void twoGroupsShareEachMembersTransportAndStayApart() throws Exception {
    HostPort any = new HostPort("127.0.0.1", 0);
    List<GroupHandle> data = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Node n = new Node(i);
      nodes.add(n);
      boot(n, any, i == 0 ? null : nodes.get(0).transport.localAddress());
      data.add(n.groups.join(GroupSpec.named("data").expect(3)
          .kayak(b -> b.tick(Duration.ofMillis(20)).ticks(10, 2))
          .dataDir(dir.resolve("node" + i).resolve("data"))));
    }
    Set<ClusterId> meta = new HashSet<>();
    Set<ClusterId> other = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      meta.add(nodes.get(i).group.formed().get(WAIT.toSeconds(), TimeUnit.SECONDS).clusterId().orElseThrow());
      other.add(data.get(i).formed().get(WAIT.toSeconds(), TimeUnit.SECONDS).clusterId().orElseThrow());
    }
    assertEquals(1, meta.size());
    assertEquals(1, other.size());
    assertFalse(meta.equals(other), "two groups, two clusters");
    KayakHost metaLeader = leader(nodes);
    Await.until("a data leader", WAIT, () -> data.stream().anyMatch(g -> g.host().orElseThrow().role() == Role.LEADER));
    KayakHost dataLeader = data.stream().map(g -> g.host().orElseThrow()).filter(h -> h.role() == Role.LEADER)
        .findFirst().orElseThrow();
    long m = metaLeader.log().append("to meta".getBytes()).get(10, TimeUnit.SECONDS).index();
    long d = dataLeader.log().append("to data".getBytes()).get(10, TimeUnit.SECONDS).index();
    for (int i = 0; i < 3; i++) {
      KayakHost mh = nodes.get(i).host();
      KayakHost dh = data.get(i).host().orElseThrow();
      // a follower learns the others' addresses from the leader's heartbeats
      try {
        Await.until("both groups commit on node " + i + " with three members each", WAIT, () -> mh.log().committed() >= m
            && dh.log().committed() >= d && mh.roster().size() == 3 && dh.roster().size() == 3);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + ": meta " + mh.role() + " commit " + mh.log().committed() + "/" + m
            + " roster " + mh.roster() + "; data " + dh.role() + " commit " + dh.log().committed() + "/" + d + " roster "
            + dh.roster(), e);
      }
    }
    assertEquals(List.of("data", "meta"), nodes.get(2).groups.views().stream().map(GroupView::name).toList());
  }

  private int leaderNode(List<Node> live, KayakHost leader) {
    for (Node n : live) {
      if (n.host() == leader) {
        return nodes.indexOf(n);
      }
    }
    throw new AssertionError("leader not found");
  }
}
