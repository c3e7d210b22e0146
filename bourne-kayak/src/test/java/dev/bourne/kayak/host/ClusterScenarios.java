package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.Kayak;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.api.Subscription;
import dev.bourne.net.Transport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster scenarios run against a real transport by subclasses: appends from every member, leader
 * crash, restart and catch-up, growing and shrinking. Every wait is a condition with a deadline.
 */
abstract class ClusterScenarios {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Duration TICK = Duration.ofMillis(20);

  @TempDir Path dir;
  final List<KayakHost> hosts = new ArrayList<>();
  private int names;

  /** A transport bound to {@code bind} (port 0 for a fresh one). */
  abstract Transport transport(HostPort bind);

  @AfterEach
  void stopAll() {
    hosts.forEach(KayakHost::shutdown);
  }

  KayakConfig config(Path data) {
    return KayakConfig.builder(data).tick(TICK).ticks(10, 2).build();
  }

  /** The bound within which a new leader must be elected: the longest election timeout, twice, plus slack. */
  Duration electionBound() {
    return TICK.multipliedBy(10L * 2 * 2).plusSeconds(2);
  }

  KayakHost startFirst() {
    Path data = dir.resolve("m" + names++);
    KayakHost h = Kayak.start(config(data), transport(new HostPort("127.0.0.1", 0)), true);
    hosts.add(h);
    Await.until("first member leads", WAIT, () -> h.role() == Role.LEADER);
    return h;
  }

  KayakHost join(KayakHost through) {
    Path data = dir.resolve("m" + names++);
    KayakHost h = Kayak.join(config(data), List.of(through.address()), transport(new HostPort("127.0.0.1", 0)), true);
    hosts.add(h);
    return h;
  }

  List<KayakHost> cluster(int size) {
    KayakHost first = startFirst();
    for (int i = 1; i < size; i++) {
      join(hosts.get(i - 1));
    }
    Await.until(size + " voters everywhere", WAIT, () -> hosts.stream().allMatch(
        h -> h.roster().stream().filter(Member::voter).count() == size));
    return new ArrayList<>(hosts);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static KayakHost leaderOf(List<KayakHost> live) {
    Optional<KayakHost> l = live.stream().filter(h -> h.role() == Role.LEADER).findFirst();
    return l.orElse(null);
  }

  /** Reads committed entries on {@code h} until index {@code last}; checks order and no gaps. */
  static List<Entry> readAll(KayakHost h, long last) throws InterruptedException {
    List<Entry> seen = new ArrayList<>();
    try (Subscription s = h.log().listen(1)) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (seen.isEmpty() || seen.get(seen.size() - 1).index() < last) {
        assertTrue(System.nanoTime() < deadline, h.id() + " delivered only up to " + seen.size() + " of " + last);
        seen.addAll(s.poll(1000, Duration.ofMillis(50)));
      }
    }
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(i + 1, seen.get(i).index(), "gap or reorder on " + h.id());
    }
    return seen;
  }

  static Set<String> events(List<Entry> entries) {
    Set<String> out = new HashSet<>();
    entries.stream().filter(e -> e.kind() == EntryKind.STD)
        .forEach(e -> out.add(new String(e.payload(), StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void appendsFromEveryMemberOfThreeReachEveryListenerInOrder() throws Exception {
    List<KayakHost> c = cluster(3);
    List<CompletableFuture<Entry>> appends = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      appends.add(c.get(i % 3).log().append(bytes("e" + i)));
    }
    long last = 0;
    for (var f : appends) {
      last = Math.max(last, f.get(WAIT.toSeconds(), TimeUnit.SECONDS).index());
    }
    for (KayakHost h : c) {
      List<Entry> seen = readAll(h, last);
      assertEquals(60, events(seen).size());
    }
    KayakHost follower = c.stream().filter(h -> h.role() != Role.LEADER).findFirst().orElseThrow();
    long readIndex = follower.sync().barrier().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(readIndex >= last, "read index " + readIndex + " below acknowledged " + last);
    follower.sync().ack(readIndex);
    assertEquals("read", follower.sync().read(() -> "read").get(WAIT.toSeconds(), TimeUnit.SECONDS));
    // Leadership transfer, asked on a member that is not the leader (forwarded).
    KayakHost target = c.stream().filter(h -> h.role() != Role.LEADER && h != follower).findFirst().orElseThrow();
    follower.transferLeadership(target.id()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Await.until("target leads", WAIT, () -> target.role() == Role.LEADER);
    assertTrue(target.log().append(bytes("after-transfer")).get(WAIT.toSeconds(), TimeUnit.SECONDS).index() > last);
  }

  @Test
  void killingTheLeaderOfFiveElectsANewOneWithinTheBoundAndLosesNothingAcknowledged() throws Exception {
    List<KayakHost> c = cluster(5);
    Set<String> acked = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      String ev = "before-" + i;
      c.get(i % 5).log().append(bytes(ev)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      acked.add(ev);
    }
    KayakHost old = leaderOf(c);
    assertTrue(old != null, "a leader");
    long killedAt = System.nanoTime();
    old.shutdown();
    List<KayakHost> live = new ArrayList<>(c);
    live.remove(old);
    Await.until("a new leader among the survivors", electionBound(),
        () -> leaderOf(live) != null && leaderOf(live).term() > old.term());
    long electedMs = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.println("new leader elected " + electedMs + " ms after the leader was killed");
    List<CompletableFuture<Entry>> after = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      after.add(live.get(i % 4).log().append(bytes("after-" + i)));
    }
    long last = 0;
    for (int i = 0; i < after.size(); i++) {
      last = Math.max(last, after.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS).index());
      acked.add("after-" + i);
    }
    for (KayakHost h : live) {
      assertTrue(events(readAll(h, last)).containsAll(acked), "acknowledged entries missing on " + h.id());
    }
  }

  @Test
  void aRestartedMemberCatchesUp() throws Exception {
    List<KayakHost> c = cluster(3);
    KayakHost victim = c.stream().filter(h -> h.role() != Role.LEADER).findFirst().orElseThrow();
    Path data = ((RaftHost) victim).config.dataDir();
    HostPort address = victim.address();
    victim.shutdown();
    hosts.remove(victim);
    List<KayakHost> live = new ArrayList<>(c);
    live.remove(victim);
    long last = 0;
    for (int i = 0; i < 200; i++) {
      last = live.get(i % 2).log().append(bytes("while-down-" + i)).get(WAIT.toSeconds(), TimeUnit.SECONDS).index();
    }
    KayakHost back = Kayak.start(config(data), transport(address), true);
    hosts.add(back);
    assertEquals(victim.id(), back.id());
    long target = last;
    Await.until("restarted member catches up", WAIT, () -> back.log().committed() >= target);
    assertEquals(200, events(readAll(back, last)).stream().filter(s -> s.startsWith("while-down-")).count());
  }

  @Test
  void growFromOneToFiveThenShrinkToThree() throws Exception {
    KayakHost first = startFirst();
    for (int i = 0; i < 4; i++) {
      join(hosts.get(hosts.size() - 1));
      first.log().append(bytes("grow-" + i)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    Await.until("five voters", WAIT, () -> first.roster().stream().filter(Member::voter).count() == 5);
    KayakHost leader = leaderOf(hosts);
    List<KayakHost> leaving = new ArrayList<>();
    leaving.add(leader);
    leaving.add(hosts.stream().filter(h -> h != leader).findFirst().orElseThrow());
    for (KayakHost h : leaving) {
      h.close();
      hosts.remove(h);
    }
    Await.until("three voters left", WAIT, () -> hosts.stream().allMatch(
        h -> h.roster().stream().filter(Member::voter).count() == 3 && h.roster().size() == 3));
    Entry e = hosts.get(0).log().append(bytes("after-shrink")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    for (KayakHost h : hosts) {
      assertTrue(events(readAll(h, e.index())).contains("after-shrink"));
    }
  }
}
