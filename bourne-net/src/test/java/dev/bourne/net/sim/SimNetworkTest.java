package dev.bourne.net.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimNetworkTest {
  private final VirtualClock clock = new VirtualClock();

  /** A delivery as seen by a node: when, from whom, what. */
  record Delivery(long atNanos, String to, String from, int msg) {}

  private final List<Delivery> log = new ArrayList<>();

  private SimNetwork<String, Integer> network(long seed, String... nodes) {
    SimNetwork<String, Integer> net = new SimNetwork<>(clock, new Random(seed));
    for (String n : nodes) {
      net.attach(n, (from, m) -> log.add(new Delivery(clock.nanoTime(), n, from, m)));
    }
    return net;
  }

  private List<Integer> received(String to) {
    return log.stream().filter(d -> d.to().equals(to)).map(Delivery::msg).toList();
  }

  @Test
  void withoutFaultsEverythingArrivesInOrderAtOnce() {
    var net = network(1, "a", "b");
    for (int i = 0; i < 100; i++) {
      net.send("a", "b", i);
    }
    assertTrue(received("b").isEmpty(), "delivery happens only when the clock runs");
    clock.advance(Duration.ZERO);
    assertEquals(java.util.stream.IntStream.range(0, 100).boxed().toList(), received("b"));
    assertEquals(new SimNetwork.Stats(100, 100, 0, 0), net.stats());
  }

  @Test
  void dropRateLosesAboutThatShare() {
    var net = network(2, "a", "b");
    net.setFaults(Faults.NONE.withDropRate(0.3));
    for (int i = 0; i < 10_000; i++) {
      net.send("a", "b", i);
    }
    clock.advance(Duration.ofSeconds(1));
    long dropped = net.stats().dropped();
    assertTrue(dropped > 2_700 && dropped < 3_300, "dropped " + dropped);
    assertEquals(10_000 - dropped, received("b").size());
    net.setFaults(Faults.NONE.withDropRate(1));
    net.send("a", "b", -1);
    clock.advance(Duration.ofSeconds(1));
    assertFalse(received("b").contains(-1));
  }

  @Test
  void delayIsWithinRangeAndReorders() {
    var net = network(3, "a", "b");
    net.setFaults(Faults.delay(Duration.ofMillis(10), Duration.ofMillis(50)));
    for (int i = 0; i < 1_000; i++) {
      net.send("a", "b", i);
    }
    clock.advance(Duration.ofMillis(9));
    assertTrue(log.isEmpty(), "nothing arrives before the least delay");
    clock.advance(Duration.ofMillis(41));
    assertEquals(1_000, log.size());
    for (Delivery d : log) {
      assertTrue(d.atNanos() >= 10_000_000 && d.atNanos() <= 50_000_000, "delivered at " + d.atNanos());
    }
    assertNotEquals(java.util.stream.IntStream.range(0, 1_000).boxed().toList(), received("b"), "random delays reorder");
  }

  @Test
  void duplicateRateDeliversTwice() {
    var net = network(4, "a", "b");
    net.setFaults(Faults.NONE.withDuplicateRate(1));
    for (int i = 0; i < 10; i++) {
      net.send("a", "b", i);
    }
    clock.advance(Duration.ofMillis(1));
    assertEquals(20, received("b").size());
    for (int i = 0; i < 10; i++) {
      final int m = i;
      assertEquals(2, received("b").stream().filter(x -> x == m).count());
    }
    assertEquals(10, net.stats().duplicated());
  }

  @Test
  void reorderRateHoldsSomeMessagesBackPastLaterOnes() {
    var net = network(5, "a", "b");
    net.setFaults(Faults.delay(Duration.ofMillis(5), Duration.ofMillis(5)).withReorderRate(0.2));
    for (int i = 0; i < 200; i++) {
      net.send("a", "b", i);
    }
    clock.advance(Duration.ofSeconds(1));
    List<Integer> got = received("b");
    assertEquals(200, got.size(), "reordering loses nothing");
    int inversions = 0;
    for (int i = 1; i < got.size(); i++) {
      if (got.get(i) < got.get(i - 1)) {
        inversions++;
      }
    }
    assertTrue(inversions > 0, "some messages overtaken");
    var fixed = network(5, "c", "d");
    fixed.setFaults(Faults.delay(Duration.ofMillis(5), Duration.ofMillis(5)));
    for (int i = 0; i < 50; i++) {
      fixed.send("c", "d", i);
    }
    clock.advance(Duration.ofSeconds(1));
    assertEquals(java.util.stream.IntStream.range(0, 50).boxed().toList(), received("d"), "an equal delay keeps order");
  }

  @Test
  void symmetricPartitionBlocksBothWaysUntilHealed() {
    var net = network(6, "a", "b", "c");
    net.partition(Set.of("a"), Set.of("b", "c"));
    net.send("a", "b", 1);
    net.send("b", "a", 2);
    net.send("c", "a", 3);
    net.send("b", "c", 4);
    clock.advance(Duration.ofMillis(1));
    assertEquals(List.of(4), received("c"));
    assertTrue(received("a").isEmpty() && received("b").isEmpty());
    net.heal();
    net.send("a", "b", 5);
    clock.advance(Duration.ofMillis(1));
    assertEquals(List.of(5), received("b"));
  }

  @Test
  void oneWayCutBlocksOnlyThatDirection() {
    var net = network(7, "a", "b");
    net.cutOneWay("a", "b");
    assertTrue(net.isCut("a", "b"));
    assertFalse(net.isCut("b", "a"));
    net.send("a", "b", 1);
    net.send("b", "a", 2);
    clock.advance(Duration.ofMillis(1));
    assertTrue(received("b").isEmpty());
    assertEquals(List.of(2), received("a"));
  }

  @Test
  void cutAppliedWhileInFlightDropsAndHealDoesNotResurrect() {
    var net = network(8, "a", "b");
    net.setFaults(Faults.delay(Duration.ofMillis(10), Duration.ofMillis(10)));
    net.send("a", "b", 1);
    net.isolate("b", Set.of("a"));
    clock.advance(Duration.ofMillis(10));
    net.heal();
    clock.advance(Duration.ofMillis(100));
    assertTrue(received("b").isEmpty());
    assertEquals(1, net.stats().dropped());
  }

  @Test
  void detachDropsInFlightAndLaterMessages() {
    var net = network(9, "a", "b");
    net.setFaults(Faults.delay(Duration.ofMillis(10), Duration.ofMillis(10)));
    net.send("a", "b", 1);
    net.detach("b");
    assertFalse(net.isAttached("b"));
    net.send("a", "b", 2);
    clock.advance(Duration.ofMillis(50));
    assertTrue(received("b").isEmpty());
    assertEquals(2, net.stats().dropped());
  }

  @Test
  void slowNodeAddsItsDelay() {
    var net = network(10, "a", "b");
    net.setSlow("b", Duration.ofMillis(30));
    net.send("a", "b", 1);
    clock.advance(Duration.ofMillis(29));
    assertTrue(log.isEmpty());
    clock.advance(Duration.ofMillis(1));
    assertEquals(List.of(1), received("b"));
    assertThrows(IllegalArgumentException.class, () -> net.setSlow("b", Duration.ofMillis(-1)));
  }

  @Test
  void sameSeedGivesTheSameTraceAndAnotherSeedAnother() {
    List<Delivery> first = trace(42);
    List<Delivery> second = trace(42);
    assertEquals(first, second);
    assertNotEquals(first, trace(43));
  }

  private List<Delivery> trace(long seed) {
    log.clear();
    VirtualClock c = new VirtualClock();
    List<Delivery> out = new ArrayList<>();
    SimNetwork<String, Integer> net = new SimNetwork<>(c, new Random(seed));
    for (String n : List.of("a", "b", "c")) {
      net.attach(n, (from, m) -> out.add(new Delivery(c.nanoTime(), n, from, m)));
    }
    net.setFaults(new Faults(0.1, Duration.ofMillis(1), Duration.ofMillis(20), 0.1, 0.1));
    Random load = new Random(seed);
    String[] nodes = {"a", "b", "c"};
    for (int i = 0; i < 500; i++) {
      net.send(nodes[load.nextInt(3)], nodes[load.nextInt(3)], i);
      c.advance(Duration.ofMillis(load.nextInt(3)));
    }
    c.advance(Duration.ofSeconds(1));
    return out;
  }

  @Test
  void faultsRejectBadValues() {
    assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withDropRate(1.5));
    assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withDuplicateRate(-0.1));
    assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withReorderRate(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Faults.delay(Duration.ofMillis(5), Duration.ofMillis(1)));
    assertThrows(IllegalArgumentException.class, () -> Faults.delay(Duration.ofMillis(-5), Duration.ofMillis(1)));
  }
}
