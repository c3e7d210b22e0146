package dev.bourne.convoy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.Store;
import dev.bourne.convoy.api.StoreResult;
import dev.bourne.convoy.sim.SimCluster.Node;
import dev.bourne.net.sim.Faults;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Store items reach every member at the owner's highest version, over many seeded runs; writes go
 * through the public store API, to the member's own store or routed to another owner.
 */
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
        Node writer = c.nodes().get(r.nextInt(8));
        Node owner = r.nextInt(3) == 0 ? c.nodes().get(r.nextInt(8)) : writer;
        String key = keys[r.nextInt(keys.length)];
        long current = owner.host().store().get(key).version();
        boolean delete = r.nextInt(5) == 0;
        String value = delete ? "" : "v" + r.nextInt(1000);
        Store store = writer.host().storeOf(owner.id());
        CompletableFuture<StoreResult> w = delete ? store.deleteAsync(key, current) : store.putAsync(key, value, current);
        StoreResult result = awaitWrite(c, w, owner != writer);
        if (result != null && !result.ok() && owner != writer) {
          // The simulated network may duplicate a request (TCP would not): the copy that arrives
          // second is refused, and its answer may be the one the caller gets. The write applied.
          Item now = owner.host().store().get(key);
          assertEquals(new Item(value, now.version(), delete), now, "a refused remote write that did not apply");
          assertEquals(now, result.item());
        } else if (result != null) {
          assertTrue(result.ok(), "a write naming the owner's current version must apply");
        }
        c.advance(Duration.ofMillis(r.nextInt(40)));
      }
      c.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
      assertTrue(c.runUntil(() -> agreed(c, keys), Duration.ofSeconds(20), Duration.ofMillis(50)),
          "items did not converge to the owners' versions");
    });
  }

  /**
   * The write's result; null for a remote write the lossy network kept from its owner or its
   * answer (it may or may not have been applied, as {@link Store#put} documents).
   */
  private static StoreResult awaitWrite(SimCluster c, CompletableFuture<StoreResult> w, boolean remote) {
    try {
      return c.await(w);
    } catch (CompletionException e) {
      if (remote && e.getCause() instanceof BourneException b
          && List.of(ErrorCode.TIMEOUT, ErrorCode.UNREACHABLE).contains(b.code())) {
        return null;
      }
      throw e;
    }
  }

  private static boolean agreed(SimCluster c, String[] keys) {
    for (Node owner : c.nodes()) {
      for (String k : keys) {
        Item truth = owner.host().store().get(k);
        for (Node other : c.nodes()) {
          if (!other.itemOf(owner.id(), k).equals(truth)) {
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
    Store store = c.nodes().get(0).host().store();
    StoreResult first = c.await(store.putAsync("k", "one", 0));
    assertTrue(first.ok());
    StoreResult stale = c.await(store.putAsync("k", "two", 0));
    assertFalse(stale.ok());
    assertEquals(first.item(), stale.item());
    assertEquals("one", store.get("k").value());
    StoreResult del = c.await(store.deleteAsync("k", first.item().version()));
    assertTrue(del.ok() && del.item().deleted() && del.item().version() > first.item().version());
    StoreResult again = c.await(store.putAsync("k", "three", del.item().version()));
    assertTrue(again.ok());
    assertEquals("three", store.get("k").value());
  }

  @Test
  void aRemoteWriteIsCheckedByTheOwnerAndItsRefusalKeepsItsCode() {
    SimCluster c = MembershipPropertiesTest.formed(8, 4);
    Node owner = c.nodes().get(1);
    Store remote = c.nodes().get(3).host().storeOf(owner.id());
    assertTrue(c.await(remote.putAsync("tag", "blue", 0)).ok());
    assertEquals(new Item("blue", 1, false), owner.host().store().get("tag"));
    StoreResult conflict = c.await(remote.putAsync("tag", "red", 0));
    assertFalse(conflict.ok());
    assertEquals("blue", conflict.item().value());
    CompletionException reserved = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
        () -> c.await(remote.putAsync("convoy:addr", "x", 1)));
    assertEquals(ConvoyException.RESERVED_KEY, ((ConvoyException) reserved.getCause()).code());
    c.crash(owner);
    CompletionException down = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
        () -> c.await(remote.putAsync("tag", "green", 1)));
    assertEquals(ErrorCode.UNREACHABLE, ((BourneException) down.getCause()).code());
  }
}
