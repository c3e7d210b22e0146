package dev.bourne.convoy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.core.Message;
import dev.bourne.convoy.core.Update;
import dev.bourne.convoy.sim.SimCluster.Node;
import dev.bourne.convoy.wire.WireCodec;
import dev.bourne.net.sim.InMemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Forged or absurd gossip never crashes a member nor corrupts its view. The forgeries come from a
 * hostile peer on the simulated network, so they pass through the member's real decoding and loop.
 */
class HostileGossipTest {
  private static final HostPort EVIL = new HostPort("10.66.6.6", 666);
  private static final Duration DELIVERY = Duration.ofMillis(50);

  /** Sends {@code m} from the hostile peer as gossip (over the connection: some are too big for a datagram). */
  private static void gossip(SimCluster c, InMemoryTransport evil, Node to, Message m) {
    evil.send(to.address(), "convoy.udp", c.envelope(WireCodec.encode(m)));
  }

  @Test
  void hostileUpdatesAreDroppedAndTheGroupStaysHealthy() {
    Seeds.forEach(50, seed -> {
      SimCluster c = MembershipPropertiesTest.formed(seed, 5);
      InMemoryTransport evil = c.transports().transport(EVIL);
      Node victim = c.nodes().get(1);
      Node other = c.nodes().get(2);
      Random r = new Random(seed);
      long before = victim.counters().rejectedUpdates();
      List<Update> forged = new ArrayList<>();
      NodeId ghost = NodeId.random(r);
      forged.add(new Update.Suspect(ghost, 5, ghost));                       // unknown member
      forged.add(new Update.Failed(ghost, 5, ghost));
      forged.add(new Update.Alive(other.id(), other.address(), Long.MAX_VALUE, 0)); // absurd incarnation
      forged.add(new Update.Alive(other.id(), other.address(), -3, 0));
      forged.add(new Update.Suspect(other.id(), 1L << 60, ghost));
      forged.add(new Update.Alive(ghost, new HostPort("0.0.0.0", 1), 1, 1));   // wildcard address
      forged.add(new Update.ItemUpdate(other.id(), 1, "x".repeat(10_000), new Item("v", 99, false)));  // oversized key
      forged.add(new Update.ItemUpdate(other.id(), 1, "big", new Item("v".repeat(100_000), 99, false))); // oversized value
      forged.add(new Update.ItemUpdate(other.id(), 1, "convoy:addr", new Item("evil", 99, false)));     // reserved key
      forged.add(new Update.ItemUpdate(ghost, 1, "k", new Item("v", 1, false)));                         // unknown owner
      forged.add(new Update.ItemUpdate(other.id(), 1, "k", new Item("v", 1L << 60, false)));             // absurd version
      gossip(c, evil, victim, new Message.Gossip(ghost, forged));
      gossip(c, evil, victim, new Message.Ack(424242, ghost, List.of()));
      gossip(c, evil, victim, new Message.Nack(1, ghost));
      evil.call(victim.address(), "convoy.tcp", c.envelope(WireCodec.encode(new Message.Ping(1, ghost, ghost, List.of()))),
          Duration.ofSeconds(1));
      c.advance(DELIVERY);
      assertTrue(victim.isUp());
      assertTrue(victim.counters().rejectedUpdates() > before, "hostile updates were not counted");
      assertEquals(null, victim.stateOf(ghost), "a forged unknown member entered the table");
      assertTrue(victim.incarnation() < 1000);
      assertTrue(victim.host().directory().get(other.id()).orElseThrow().incarnation() < 1000,
          "an absurd incarnation was accepted");
      assertEquals(Item.ABSENT, victim.itemOf(other.id(), "convoy:addr"));
      assertEquals(Item.ABSENT, victim.itemOf(other.id(), "big"));
      assertEquals(Item.ABSENT, victim.itemOf(other.id(), "k"));
      c.advance(Duration.ofSeconds(5));
      assertTrue(c.converged(), "the group did not stay healthy after hostile gossip");
    });
  }

  @Test
  void forgedClaimsAboutAMemberItselfAreRefutedByIt() {
    Seeds.forEach(50, seed -> {
      SimCluster c = MembershipPropertiesTest.formed(seed, 5);
      InMemoryTransport evil = c.transports().transport(EVIL);
      Node victim = c.nodes().get(1);
      Node target = c.nodes().get(3);
      c.await(target.host().store().putAsync("role", "db", 0));
      c.advance(Duration.ofSeconds(2));
      NodeId ghost = NodeId.random(new Random(seed));
      long inc = target.incarnation();
      gossip(c, evil, victim, new Message.Gossip(ghost, List.of(
          new Update.Failed(target.id(), inc, ghost),
          new Update.ItemUpdate(target.id(), 1, "role", new Item("forged", 1000, false)))));
      assertTrue(c.runUntil(() -> c.converged() && c.nodes().stream()
              .allMatch(n -> n.itemOf(target.id(), "role").value().equals("db")),
          Duration.ofSeconds(20), Duration.ofMillis(50)),
          "the member did not refute a forged failure and forged item");
      assertEquals(MemberState.ALIVE, victim.stateOf(target.id()));
    });
  }

  @Test
  void aFloodOfUnknownMembersIsBounded() {
    SimCluster c = new SimCluster(3, MembershipPropertiesTest.CONFIG.toBuilder().maxMembers(50).build());
    InMemoryTransport evil = c.transports().transport(EVIL);
    Node n = c.add();
    Random r = new Random(3);
    List<Update> flood = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      flood.add(new Update.Alive(NodeId.random(r), new HostPort("10.9." + (i / 200) + "." + (i % 200 + 1), 1), 1, 1));
    }
    gossip(c, evil, n, new Message.Gossip(NodeId.random(r), flood));
    c.advance(DELIVERY);
    assertTrue(n.isUp());
    assertEquals(50, n.counters().knownMembers());
  }
}
