package dev.bourne.convoy.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.convoy.sim.SimCluster.Node;
import dev.bourne.net.sim.Faults;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Periodic anti-entropy by digest: members exchange one 64-bucket summary of their tables and then
 * only the buckets that differ. It repairs what gossip could not bring, for the cost of a digest
 * and a bucket, not the whole table; and when nothing differs it costs the same at any group size.
 */
class AntiEntropyTest {
  static final Duration STEP = Duration.ofMillis(50);

  private static SimCluster formed(long seed, int n, GossipConfig config) {
    SimCluster c = new SimCluster(seed, config);
    c.setTracing(false);
    c.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
    c.bootstrap(n);
    assertTrue(c.runUntil(c::converged, Duration.ofSeconds(30), STEP), "did not form");
    return c;
  }

  /**
   * A member that receives no datagrams (so no gossip: only TCP gets through) learns another
   * member's new store item from a digest exchange, and the exchanges that repaired it cost a
   * digest and the differing buckets: no anti-entropy message over 1,500 bytes, where the full
   * table of 64 to 128 members is 3,000 to 7,000.
   */
  @Test
  void aMemberThatGossipMissedIsRepairedByDigestsForTheCostOfABucket() {
    GossipConfig config = GossipConfig.lan().toBuilder().pushPullInterval(Duration.ofSeconds(2)).build();
    Seeds.forEach(10, seed -> {
      int n = 64 + (int) Math.floorMod(seed, 65);
      SimCluster c = formed(seed, n, config);
      Node deaf = c.nodes().get(n / 2);
      Node writer = c.nodes().get(3);
      c.blockUdp(deaf, true);
      c.countByKind(true);
      c.await(writer.host().store().putAsync("color", "teal", 0));
      boolean repaired = c.runUntil(() -> deaf.itemOf(writer.id(), "color").exists(), Duration.ofSeconds(10), STEP);
      assertTrue(repaired, "the deaf member never learned the item by anti-entropy");
      assertTrue(c.runUntil(() -> c.nodes().stream().allMatch(x -> x.itemOf(writer.id(), "color").exists()),
          Duration.ofSeconds(10), STEP), "the item did not reach everyone");
      long messages = c.messagesByKind().getOrDefault("anti-entropy", 0L);
      long largest = c.largestByKind().getOrDefault("anti-entropy", 0L);
      assertTrue(messages > 0, "no anti-entropy message was sent");
      // A digest is about 540 B; the answer and the asker's side carry a bucket or two. The whole
      // table of 64 members or more would be over 3,000 B.
      assertTrue(largest < 1_500, "the largest anti-entropy message was " + largest + " B, " + n + " members");
    });
  }

  /**
   * In a quiet group, anti-entropy costs each member a digest exchange per interval whatever the
   * group's size: under 40 bytes per member per protocol period at 64 and at 512 members, and all
   * of membership (probes, gossip and anti-entropy) under 120, the same bound at both sizes.
   */
  @Test
  void quietAntiEntropyCostsTheSameAtAnySize() {
    GossipConfig config = GossipConfig.lan();
    for (int n : new int[] {64, 512}) {
      SimCluster c = formed(n, n, config);
      c.advance(Duration.ofSeconds(35)); // past the first round of exchanges, which may repair the formation
      c.countByKind(true);
      Duration window = Duration.ofSeconds(120);
      c.advance(window);
      Map<String, Long> bytes = c.bytesByKind();
      double perMemberPerPeriod = bytes.getOrDefault("anti-entropy", 0L) / (double) n
          / (window.toNanos() / (double) config.probeInterval().toNanos());
      System.out.printf("quiet anti-entropy at %d members: %.1f B per member per period (all kinds: %s)%n", n,
          perMemberPerPeriod, bytes);
      assertTrue(perMemberPerPeriod > 0 && perMemberPerPeriod < 40, n + " members: " + perMemberPerPeriod
          + " B of anti-entropy per member per period");
      double all = (bytes.getOrDefault("probe", 0L) + bytes.getOrDefault("gossip", 0L)
          + bytes.getOrDefault("anti-entropy", 0L)) / (double) n
          / (window.toNanos() / (double) config.probeInterval().toNanos());
      assertTrue(all < 120, n + " members: " + all + " B of membership traffic per member per period");
    }
  }
}
