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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Forged or absurd gossip never crashes a member nor corrupts its view. */
class HostileGossipTest {
  private static final HostPort EVIL = new HostPort("10.66.6.6", 666);

  @Test
  void hostileUpdatesAreDroppedAndTheGroupStaysHealthy() {
    Seeds.forEach(50, seed -> {
      SimCluster c = MembershipPropertiesTest.formed(seed, 5);
      Node victim = c.nodes().get(1);
      Node other = c.nodes().get(2);
      Random r = new Random(seed);
      long before = victim.core().rejectedUpdates();
      List<Update> evil = new ArrayList<>();
      NodeId ghost = NodeId.random(r);
      evil.add(new Update.Suspect(ghost, 5, ghost));                       // unknown member
      evil.add(new Update.Failed(ghost, 5, ghost));
      evil.add(new Update.Alive(other.id(), other.address(), Long.MAX_VALUE, 0)); // absurd incarnation
      evil.add(new Update.Alive(other.id(), other.address(), -3, 0));
      evil.add(new Update.Suspect(other.id(), 1L << 60, ghost));
      evil.add(new Update.Alive(ghost, new HostPort("0.0.0.0", 1), 1, 1));   // wildcard address
      evil.add(new Update.ItemUpdate(other.id(), 1, "x".repeat(10_000), new Item("v", 99, false)));  // oversized key
      evil.add(new Update.ItemUpdate(other.id(), 1, "big", new Item("v".repeat(100_000), 99, false))); // oversized value
      evil.add(new Update.ItemUpdate(other.id(), 1, "convoy:addr", new Item("evil", 99, false)));     // reserved key
      evil.add(new Update.ItemUpdate(ghost, 1, "k", new Item("v", 1, false)));                         // unknown owner
      evil.add(new Update.ItemUpdate(other.id(), 1, "k", new Item("v", 1L << 60, false)));             // absurd version
      c.run(victim, core -> {
        core.receive(c.now(), EVIL, new Message.Gossip(ghost, evil));
        core.receive(c.now(), EVIL, new Message.Ack(424242, ghost, List.of()));
        core.receive(c.now(), EVIL, new Message.Nack(1, ghost));
        core.answer(c.now(), EVIL, new Message.Ping(1, ghost, ghost, List.of()));
        return null;
      });
      assertTrue(victim.core().rejectedUpdates() > before, "hostile updates were not counted");
      assertEquals(null, victim.core().stateOf(ghost), "a forged unknown member entered the table");
      assertTrue(victim.core().incarnation() < 1000);
      assertTrue(victim.core().member(other.id()).orElseThrow().incarnation() < 1000,
          "an absurd incarnation was accepted");
      assertEquals(Item.ABSENT, victim.core().itemOf(other.id(), "convoy:addr"));
      assertEquals(Item.ABSENT, victim.core().itemOf(other.id(), "big"));
      assertEquals(Item.ABSENT, victim.core().itemOf(other.id(), "k"));
      c.advance(Duration.ofSeconds(5));
      assertTrue(c.converged(), "the group did not stay healthy after hostile gossip");
    });
  }

  @Test
  void forgedClaimsAboutAMemberItselfAreRefutedByIt() {
    Seeds.forEach(50, seed -> {
      SimCluster c = MembershipPropertiesTest.formed(seed, 5);
      Node victim = c.nodes().get(1);
      Node target = c.nodes().get(3);
      c.run(target, core -> core.put(c.now(), "role", "db", 0));
      c.advance(Duration.ofSeconds(2));
      NodeId ghost = NodeId.random(new Random(seed));
      long inc = target.core().incarnation();
      c.run(victim, core -> {
        core.receive(c.now(), EVIL, new Message.Gossip(ghost, List.of(
            new Update.Failed(target.id(), inc, ghost),
            new Update.ItemUpdate(target.id(), target.core().self().incarnation() >= 1 ? 1 : 0, "role",
                new Item("forged", 1000, false)))));
        return null;
      });
      assertTrue(c.runUntil(() -> c.converged() && c.nodes().stream()
              .allMatch(n -> n.core().itemOf(target.id(), "role").value().equals("db")),
          Duration.ofSeconds(20), Duration.ofMillis(50)),
          "the member did not refute a forged failure and forged item");
      assertEquals(MemberState.ALIVE, victim.core().stateOf(target.id()));
    });
  }

  @Test
  void aFloodOfUnknownMembersIsBounded() {
    SimCluster c = new SimCluster(3, MembershipPropertiesTest.CONFIG.toBuilder().maxMembers(50).build());
    Node n = c.add();
    Random r = new Random(3);
    List<Update> flood = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      flood.add(new Update.Alive(NodeId.random(r), new HostPort("10.9." + (i / 200) + "." + (i % 200 + 1), 1), 1, 1));
    }
    c.run(n, core -> {
      core.receive(c.now(), EVIL, new Message.Gossip(NodeId.random(r), flood));
      return null;
    });
    assertEquals(50, n.core().knownCount());
  }
}
