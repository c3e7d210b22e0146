package dev.bourne.kayak.demo;

import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.groups.AutopilotConfig;
import dev.bourne.kayak.groups.GroupHandle;
import dev.bourne.kayak.groups.GroupSpec;
import dev.bourne.kayak.groups.GroupView;
import dev.bourne.kayak.groups.KayakGroups;
import dev.bourne.net.Transport;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Gossip bootstraps Raft, narrated: five processes' worth of members (Convoy and Kayak sharing one
 * transport each, real sockets and files) start at once for a group expecting 3 voters; the group
 * forms by itself, a voter is killed and autopilot replaces it, and the killed member comes back
 * on its data as a learner. Short autopilot knobs (1 s stabilization, 3 s dead-after) so that it
 * runs in seconds; every wait is bounded.
 *
 * <p>Run: {@code bin/run bourne-kayak dev.bourne.kayak.demo.GroupsDemo} (part of {@code bin/demo}).
 */
public final class GroupsDemo {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private GroupsDemo() {}

  /** One process: a transport, its Convoy member, its groups and its part in the "meta" group. */
  private static final class Node {
    final String name;
    final Path dir;
    Transport transport;
    ConvoyHost convoy;
    KayakGroups groups;
    GroupHandle meta;

    Node(String name, Path dir) {
      this.name = name;
      this.dir = dir;
    }

    void start(HostPort bind, HostPort seed) {
      transport = NettyTransport.start(TransportConfig.builder().bind(bind).maxDatagramPayload(1400)
          .maxFrameBytes(4 << 20).ioThreads(1).build());
      ConvoyConfig c = ConvoyConfig.local().bind(transport.localAddress()).build();
      convoy = seed == null ? Convoy.start(c, transport) : Convoy.join(c, List.of(seed), transport);
      groups = KayakGroups.on(convoy, transport);
      meta = groups.join(GroupSpec.named("meta").expect(3)
          .autopilot(AutopilotConfig.defaults().withTimes(Duration.ofSeconds(1), Duration.ofSeconds(3)))
          .dataDir(dir));
    }

    KayakHost host() {
      return meta.host().orElse(null);
    }

    void kill() {
      groups.close();
      convoy.shutdown();
      transport.close();
    }
  }

  /** Runs the demo. */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Path root = Files.createTempDirectory("groups-demo");
    List<Node> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        Node n = new Node("member-" + (i + 1), root.resolve("m" + i));
        nodes.add(n);
        n.start(new HostPort("127.0.0.1", 0), i == 0 ? null : nodes.get(0).transport.localAddress());
      }
      say("demo", "5 members started, each with group 'meta' expecting 3 voters; nobody was told who bootstraps");
      for (Node n : nodes) {
        n.meta.formed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
      await("the group formed: one cluster, 3 voters and 2 learners", () -> {
        KayakHost l = leader(nodes);
        return l != null && l.roster().size() == 5 && l.roster().stream().filter(Member::voter).count() == 3;
      });
      describe(nodes);
      KayakHost leader = leader(nodes);
      long index = leader.log().append("hello from the formed group".getBytes()).get(10, TimeUnit.SECONDS).index();
      await("every member committed entry " + index, () -> nodes.stream().allMatch(n -> n.host().log().committed() >= index));

      Node victim = nodes.stream().filter(n -> n.host() != leader && isVoter(leader, n)).findFirst().orElseThrow();
      var victimId = victim.host().id();
      HostPort victimAddress = victim.transport.localAddress();
      say(victim.name, "killed (a voter)");
      victim.kill();
      List<Node> live = nodes.stream().filter(n -> n != victim).toList();
      await("autopilot promoted a learner in its place and removed the dead voter", () -> {
        var roster = leader.roster();
        return roster.stream().filter(Member::voter).count() == 3 && roster.stream().noneMatch(m -> m.id().equals(victimId));
      });
      long after = leader.log().append("still serving".getBytes()).get(10, TimeUnit.SECONDS).index();
      await("the 4 live members committed entry " + after, () -> live.stream().allMatch(n -> n.host().log().committed() >= after));

      say(victim.name, "restarted on its data directory");
      victim.start(victimAddress, leaderNode(live, leader).transport.localAddress());
      victim.meta.formed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      await(victim.name + " resumed the same cluster and is back as a learner", () -> leader.roster().stream()
          .anyMatch(m -> m.id().equals(victimId) && !m.voter()));
      await("every member's advert caught up (gossip): 3 voters, 2 learners", () -> nodes.get(1).groups.view("meta")
          .map(v -> v.voters().size() == 3 && v.learners().size() == 2).orElse(false));
      describe(nodes);
    } finally {
      for (Node n : nodes) {
        try {
          n.kill();
        } catch (RuntimeException stopped) {
          // already stopped
        }
      }
    }
    say("demo", "done");
  }

  private static boolean isVoter(KayakHost leader, Node n) {
    return leader.roster().stream().anyMatch(m -> m.id().equals(n.host().id()) && m.voter());
  }

  private static KayakHost leader(List<Node> nodes) {
    for (Node n : nodes) {
      KayakHost h = n.host();
      if (h != null && h.role() == Role.LEADER) {
        return h;
      }
    }
    return null;
  }

  private static Node leaderNode(List<Node> nodes, KayakHost leader) {
    return nodes.stream().filter(n -> n.host() == leader).findFirst().orElseThrow();
  }

  /** What one member's directory shows of the group (gossip, eventually consistent). */
  private static void describe(List<Node> nodes) {
    await("the directory shows the group", () -> nodes.get(1).groups.view("meta").isPresent());
    GroupView v = nodes.get(1).groups.view("meta").orElseThrow();
    say("directory", "group " + v.name() + ", cluster " + v.cluster().map(c -> c.shortString()).orElse("-")
        + ", leader " + v.leader().map(l -> l.shortString()).orElse("-") + ", " + v.voters().size() + " voters, "
        + v.learners().size() + " learners");
    for (GroupView.MemberView m : v.members()) {
      say("directory", "  " + m.member().shortString() + " at " + m.address() + " " + m.health() + " "
          + m.role().map(Enum::name).orElse("-") + (m.voting().orElse(false) ? " voter" : " learner") + " term " + m.term());
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    Narration.await(what, WAIT, condition);
  }

  private static void say(String who, String what) {
    Narration.say(who, what);
  }

}
