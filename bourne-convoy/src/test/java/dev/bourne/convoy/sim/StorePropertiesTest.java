package dev.bourne.convoy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.core.SwimCore;
import dev.bourne.convoy.sim.SimCluster.Node;
import dev.bourne.net.sim.Faults;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Store items reach every member at the owner's highest version, over many seeded runs. */
class StorePropertiesTest {

  @Test
  void itemsReachTheHighestVersionEverywhere() {
    Seeds.forEach(60, seed -> {
      SimCluster c = MembershipPropertiesTest.formed(seed, 8);
      c.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(15)).withDropRate(0.05)
          .withDuplicateRate(0.02).withReorderRate(0.05));
      Random r = new Random(seed);
      String[] keys = {"a", "b", "c", "d"};
      for (int i = 0; i < 60; i++) {
        Node n = c.nodes().get(r.nextInt(8));
        String key = keys[r.nextInt(keys.length)];
        Item cur = n.core().ownItem(key);
        boolean delete = r.nextInt(5) == 0;
        SwimCore.StoreWrite w = c.run(n, core -> delete
            ? core.delete(c.now(), key, cur.version())
            : core.put(c.now(), key, "v" + r.nextInt(1000), cur.version()));
        assertTrue(w.ok(), "a write naming the current version must apply");
        c.advance(Duration.ofMillis(r.nextInt(40)));
      }
      c.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
      assertTrue(c.runUntil(() -> agreed(c, keys), Duration.ofSeconds(20), Duration.ofMillis(50)),
          "items did not converge to the owners' versions");
    });
  }

  private static boolean agreed(SimCluster c, String[] keys) {
    for (Node owner : c.nodes()) {
      for (String k : keys) {
        Item truth = owner.core().ownItem(k);
        for (Node other : c.nodes()) {
          if (!other.core().itemOf(owner.id(), k).equals(truth)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  @Test
  void aStaleExpectedVersionIsRefusedAndChangesNothing() {
    SimCluster c = MembershipPropertiesTest.formed(7, 3);
    Node n = c.nodes().get(0);
    SwimCore.StoreWrite first = c.run(n, core -> core.put(c.now(), "k", "one", 0));
    assertTrue(first.ok());
    SwimCore.StoreWrite stale = c.run(n, core -> core.put(c.now(), "k", "two", 0));
    assertEquals(false, stale.ok());
    assertEquals(first.item(), stale.item());
    assertEquals("one", n.core().ownItem("k").value());
    SwimCore.StoreWrite del = c.run(n, core -> core.delete(c.now(), "k", first.item().version()));
    assertTrue(del.ok() && del.item().deleted() && del.item().version() > first.item().version());
    SwimCore.StoreWrite again = c.run(n, core -> core.put(c.now(), "k", "three", del.item().version()));
    assertTrue(again.ok());
    assertEquals(List.of("three"), List.of(n.core().ownItem("k").value()));
  }
}
