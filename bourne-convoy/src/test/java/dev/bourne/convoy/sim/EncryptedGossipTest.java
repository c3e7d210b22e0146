package dev.bourne.convoy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.GossipEncryption;
import dev.bourne.convoy.api.GossipKey;
import dev.bourne.convoy.api.GossipSecurity;
import dev.bourne.convoy.api.HealthEvent;
import dev.bourne.convoy.api.KeyringException;
import dev.bourne.convoy.api.KeyringReport;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.sim.SimCluster.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Encrypted gossip in the simulator, through the real host: key rotation while the group works,
 * members that miss a rotation, the rollout from plaintext, and clusters kept apart by name.
 */
class EncryptedGossipTest {
  static final Duration STEP = Duration.ofMillis(50);

  static GossipKey key(long seed) {
    byte[] b = new byte[32];
    new Random(seed).nextBytes(b);
    return GossipKey.of(b);
  }

  static SimCluster formed(long seed, int n, GossipSecurity security) {
    return MembershipPropertiesTest.formed(seed, n, security);
  }

  /** Counts suspicions and failures of members that were never stopped. */
  static List<String> healthTrouble(SimCluster c, Set<Node> stopped) {
    List<String> out = new ArrayList<>();
    c.onEvent(e -> {
      if (e.event() instanceof HealthEvent h && h.health() != MemberState.ALIVE
          && stopped.stream().noneMatch(s -> s.id().equals(h.member().id()))) {
        out.add(e.node().id().shortString() + " saw " + h.member().id().shortString() + " " + h.health());
      }
    });
    return out;
  }

  static ConvoyException failure(SimCluster c, java.util.concurrent.CompletableFuture<?> f) {
    CompletionException e = assertThrows(CompletionException.class, () -> c.await(f, Duration.ofSeconds(30)));
    return assertInstanceOf(ConvoyException.class, e.getCause());
  }

  @Test
  void aRotationWhileTheGroupWorksLosesNoMemberAndSuspectsNone() {
    Seeds.forEach(20, seed -> {
      GossipKey k1 = key(seed);
      GossipKey k2 = key(seed + 1);
      int n = 5 + (int) Math.floorMod(seed, 6);
      SimCluster c = formed(seed, n, GossipSecurity.encrypted("prod", k1));
      List<String> trouble = healthTrouble(c, Set.of());
      Node admin = c.nodes().get((int) Math.floorMod(seed * 3, n));
      var rotation = admin.host().keyring().rotate(k2);
      Node writer = c.nodes().get(0);
      for (int i = 0; !rotation.isDone() && i < 400; i++) {
        writer.host().store().putAsync("k", "v" + i, writer.host().store().get("k").version());
        c.advance(Duration.ofMillis(10));
      }
      KeyringReport report = c.await(rotation, Duration.ofSeconds(30));
      assertTrue(report.complete() && report.uniform(), report.toString());
      assertEquals(n, report.keys().size(), "every member answered");
      assertEquals(List.of(k2.fingerprint()), report.keys().values().iterator().next());
      for (Node x : c.nodes()) {
        assertEquals(List.of(k2), x.host().keyring().localKeys(), "member " + x);
      }
      c.advance(Duration.ofSeconds(5));
      assertTrue(c.converged(), "the group came apart after the rotation");
      assertEquals(List.of(), trouble, "live members suspected while keys changed");
      long written = writer.host().store().get("k").version();
      assertTrue(c.runUntil(() -> c.nodes().stream().allMatch(x -> x.itemOf(writer.id(), "k").version() == written),
          Duration.ofSeconds(5), STEP), "store items stopped spreading after the rotation");
    });
  }

  @Test
  void aMemberDownDuringARotationIsReportedAndNeedsTheNewKeyToReturn() {
    Seeds.forEach(10, seed -> {
      GossipKey k1 = key(seed);
      GossipKey k2 = key(seed + 1);
      SimCluster c = formed(seed, 6, GossipSecurity.encrypted("prod", k1));
      Node down = c.nodes().get(4);
      Node admin = c.nodes().get(1);
      c.crash(down);
      assertTrue(c.runUntil(() -> admin.stateOf(down.id()) == MemberState.FAILED, Duration.ofSeconds(30), STEP));
      KeyringReport report = c.await(admin.host().keyring().rotate(k2), Duration.ofSeconds(30));
      assertEquals(List.of(down.id()), report.notAsked(), "the member that was down is reported");
      assertEquals(5, report.keys().size());

      // Back with its old keyring, it is refused: no member holds its key any more.
      c.restart(down, admin);
      assertTrue(c.runUntil(() -> c.nodes().get(0).counters().unauthenticatedMessages() > 0
          || admin.counters().unauthenticatedMessages() > 0, Duration.ofSeconds(10), STEP));
      c.advance(Duration.ofSeconds(3));
      assertEquals(MemberState.FAILED, admin.stateOf(down.id()), "a member with a removed key came back");

      // Configured with the new key, the persisted (old) ring still wins: the precedence rule.
      c.crash(down);
      c.setSecurity(down, GossipSecurity.encrypted("prod", k2));
      c.restart(down, admin);
      c.advance(Duration.ofSeconds(3));
      assertEquals(List.of(k1), down.host().keyring().localKeys(), "the persisted keyring wins");
      assertEquals(MemberState.FAILED, admin.stateOf(down.id()));

      // With the override, the configured key replaces it and the member returns.
      c.crash(down);
      c.setSecurity(down, GossipSecurity.encrypted("prod", k2).withOverridePersistedKeyring(true));
      c.restart(down, admin);
      assertTrue(c.runUntil(c::converged, Duration.ofSeconds(30), STEP), "the member did not return with the new key");
      assertEquals(List.of(k2), down.host().keyring().localKeys());
    });
  }

  @Test
  void anOperationThatMissesAnActiveMemberFailsAndSaysWho() {
    Seeds.forEach(10, seed -> {
      GossipKey k1 = key(seed);
      GossipKey k2 = key(seed + 1);
      SimCluster c = formed(seed, 5, GossipSecurity.encrypted("prod", k1));
      Node admin = c.nodes().get(0);
      Node cut = c.nodes().get(3);
      c.network().cutOneWay(admin.address(), cut.address());

      ConvoyException e = failure(c, admin.host().keyring().install(k2));
      assertEquals(ConvoyException.KEYRING_INCOMPLETE, e.code());
      KeyringReport report = ((KeyringException) e).report();
      assertEquals(Set.of(cut.id()), report.failures().keySet(), report.toString());
      assertEquals(4, report.keys().size(), "the others installed it");
      assertTrue(e.getMessage().contains(cut.id().toString()), e.getMessage());

      // Switching the primary while one member lacks the key is refused, and no member switches:
      // the one without it would be cut off.
      c.network().heal();
      ConvoyException use = failure(c, admin.host().keyring().use(k2));
      assertEquals(ConvoyException.KEYRING_REFUSED, use.code(), "every member answered: a refusal, not an outage");
      KeyringReport useReport = ((KeyringException) use).report();
      assertEquals(Set.of(cut.id()), useReport.failures().keySet(), useReport.toString());
      assertTrue(useReport.failures().get(cut.id()).contains("NO_SUCH_KEY"), useReport.toString());
      for (Node x : c.nodes()) {
        assertEquals(k1, x.host().keyring().localKeys().get(0), "member " + x + " switched its primary");
      }

      // Removing the primary is refused for every member, and nothing is removed anywhere.
      ConvoyException remove = failure(c, admin.host().keyring().remove(k1));
      assertEquals(ConvoyException.KEYRING_REFUSED, remove.code());
      KeyringReport removeReport = ((KeyringException) remove).report();
      assertEquals(5, removeReport.failures().size(), removeReport.toString());
      assertTrue(removeReport.failures().values().stream().allMatch(f -> f.contains("KEY_IN_USE")), remove.getMessage());
      for (Node x : c.nodes()) {
        assertTrue(x.host().keyring().localKeys().contains(k1), "member " + x + " lost its primary");
      }

      // Repeating the install reaches everyone now, and the rotation can finish.
      assertTrue(c.await(admin.host().keyring().install(k2), Duration.ofSeconds(30)).complete());
      KeyringReport done = c.await(admin.host().keyring().rotate(k2), Duration.ofSeconds(30));
      assertTrue(done.complete() && done.uniform(), done.toString());
      assertTrue(c.runUntil(c::converged, Duration.ofSeconds(10), STEP));
    });
  }

  @Test
  void theRolloutFromPlaintextKeepsTheGroupWholeAtEveryStep() {
    Seeds.forEach(5, seed -> {
      GossipKey k = key(seed);
      SimCluster c = formed(seed, 5, GossipSecurity.named("prod"));
      Node via = c.nodes().get(0);
      for (GossipEncryption step : List.of(GossipEncryption.ACCEPT, GossipEncryption.ENCRYPT, GossipEncryption.REQUIRE)) {
        for (Node x : c.nodes()) {
          c.crash(x);
          c.setSecurity(x, new GossipSecurity("prod", step, List.of(k), false));
          Node other = x == via ? c.nodes().get(1) : via;
          c.restart(x, other);
          assertTrue(c.runUntil(c::converged, Duration.ofSeconds(30), STEP),
              "the group came apart when " + x + " moved to " + step);
        }
      }
      long plain = c.nodes().stream().mapToLong(x -> x.counters().plaintextMessages()).sum();
      c.advance(Duration.ofSeconds(5));
      assertEquals(plain, c.nodes().stream().mapToLong(x -> x.counters().plaintextMessages()).sum(),
          "plaintext still flows once every member requires encryption");
      assertEquals(0, c.nodes().stream().mapToLong(x -> x.counters().unauthenticatedMessages()).sum(),
          "a message was refused during the rollout");

      // A member without the key (or without encryption) cannot join the encrypted group.
      c.setDefaultSecurity(GossipSecurity.named("prod"));
      Node plainMember = c.add();
      ConvoyException e = failure(c, c.join(plainMember, via));
      assertEquals(ConvoyException.JOIN_FAILED, e.code());
      assertTrue(e.getMessage().contains("UNAUTHENTICATED"), e.getMessage());
      c.setDefaultSecurity(GossipSecurity.encrypted("prod", key(seed + 99)));
      Node wrongKey = c.add();
      ConvoyException w = failure(c, c.join(wrongKey, via));
      assertTrue(w.getMessage().contains("UNAUTHENTICATED"), w.getMessage());
      assertFalse(via.host().directory().get(wrongKey.id()).isPresent(), "a member with the wrong key got in");
    });
  }

  @Test
  void clustersWithDifferentNamesNeverMerge() {
    Seeds.forEach(10, seed -> {
      SimCluster c = formed(seed, 4, GossipSecurity.named("blue"));
      Node blue = c.nodes().get(0);
      c.setDefaultSecurity(GossipSecurity.named("green"));
      Node green = c.add();
      ConvoyException e = failure(c, c.join(green, blue));
      assertTrue(e.getMessage().contains("FOREIGN_CLUSTER"), e.getMessage());
      // Even when a green member learns blue addresses and gossips at them, nothing crosses.
      Node green2 = c.add();
      c.await(c.join(green2, green));
      c.advance(Duration.ofSeconds(3));
      assertTrue(blue.counters().foreignClusterMessages() > 0, "the refused join was counted");
      assertEquals(4, blue.activeCount());
      assertEquals(2, green.activeCount());
    });
  }

  @Test
  void aRotationRepeatedAfterItsKeySwitchedFinishesTheJobAndKeyringCallsWorkWhileRollingOut() {
    Seeds.forEach(5, seed -> {
      GossipKey k1 = key(seed);
      GossipKey k2 = key(seed + 1);
      SimCluster c = formed(seed, 4, new GossipSecurity("prod", GossipEncryption.ACCEPT, List.of(k1), false));
      Node admin = c.nodes().get(0);
      // At the 'accept' step members still gossip in plaintext, but keyring calls are sealed.
      assertTrue(c.await(admin.host().keyring().install(k2), Duration.ofSeconds(30)).complete());
      // A rotation that stopped after switching the primary (here: switched by hand) ...
      assertTrue(c.await(admin.host().keyring().use(k2), Duration.ofSeconds(30)).complete());
      // ... repeated, removes the old key everywhere rather than reporting success at once.
      KeyringReport done = c.await(admin.host().keyring().rotate(k2), Duration.ofSeconds(30));
      assertTrue(done.complete() && done.uniform(), done.toString());
      for (Node x : c.nodes()) {
        assertEquals(List.of(k2), x.host().keyring().localKeys(), "member " + x);
      }
      assertTrue(c.runUntil(c::converged, Duration.ofSeconds(10), STEP));
    });
  }
}
