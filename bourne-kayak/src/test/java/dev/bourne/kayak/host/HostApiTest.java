package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.error.TimedOutException;
import dev.bourne.common.testing.Await;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.Kayak;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.api.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Log/Sync API on one real host: subscriptions, acknowledgements, listeners. */
class HostApiTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private KayakHost host;

  @AfterEach
  void stop() {
    if (host != null) {
      host.shutdown();
    }
  }

  private KayakHost solo() {
    host = Kayak.start(KayakConfig.builder(dir.resolve("solo")).tick(Duration.ofMillis(20)).build());
    Await.until("solo leads", WAIT, () -> host.role() == Role.LEADER);
    return host;
  }

  @Test
  void anUnreadSubscriptionNeverHoldsBackCommitsAndLaterDeliversEverythingInOrder() throws Exception {
    KayakHost h = solo();
    Subscription idle = h.log().listen(1);
    List<CompletableFuture<Entry>> appends = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      appends.add(h.log().append(("e" + i).getBytes()));
    }
    long last = 0;
    for (var f : appends) {
      last = f.get(WAIT.toSeconds(), TimeUnit.SECONDS).index();
    }
    assertTrue(h.log().committed() >= last);
    assertEquals(last, h.log().head());
    List<Entry> all = new ArrayList<>();
    while (all.size() < last) {
      List<Entry> got = idle.poll(300, Duration.ofSeconds(5));
      assertFalse(got.isEmpty(), "stalled at " + all.size());
      all.addAll(got);
    }
    for (int i = 0; i < all.size(); i++) {
      assertEquals(i + 1, all.get(i).index());
    }
    assertEquals(last + 1, idle.position());
    try (Subscription middle = h.log().listen(last - 9)) {
      assertEquals(10, middle.poll(100, Duration.ofSeconds(5)).size());
      assertEquals(List.of(), middle.poll(100, Duration.ofMillis(20)));
    }
    idle.close();
  }

  @Test
  void syncWaitsForTheApplicationsAcknowledgement() throws Exception {
    KayakHost h = solo();
    Entry e = h.log().append("x".getBytes()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    CompletableFuture<Void> waiting = h.sync().sync(e.index(), WAIT);
    assertFalse(waiting.isDone());
    h.sync().ack(e.index() - 1);
    assertFalse(waiting.isDone());
    h.sync().ack(e.index());
    waiting.get(5, TimeUnit.SECONDS);
    assertEquals(e.index(), h.sync().acked());
    ExecutionException late = assertThrows(ExecutionException.class,
        () -> h.sync().sync(e.index() + 100, Duration.ofMillis(100)).get(5, TimeUnit.SECONDS));
    assertInstanceOf(TimedOutException.class, late.getCause());
    assertEquals("state", h.sync().read(() -> "state").get(WAIT.toSeconds(), TimeUnit.SECONDS));
  }

  @Test
  void anAcknowledgementBeyondTheCommittedIndexIsRefusedAndChangesNothing() throws Exception {
    KayakHost h = solo();
    Entry e = h.log().append("x".getBytes()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    h.sync().ack(e.index());
    IllegalArgumentException tooFar = assertThrows(IllegalArgumentException.class,
        () -> h.sync().ack(h.log().committed() + 1));
    assertTrue(tooFar.getMessage().contains("committed"), tooFar.getMessage());
    assertThrows(IllegalArgumentException.class, () -> h.sync().ack(-1));
    assertEquals(e.index(), h.sync().acked());
  }

  @Test
  void closeLeavesNoThreadBehind() throws Exception {
    KayakHost h = solo();
    try (Subscription s = h.log().listen(1)) {
      h.log().append("x".getBytes()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertFalse(s.poll(10, Duration.ofSeconds(5)).isEmpty());
    }
    assertFalse(hostThreads().isEmpty(), "the host runs threads of its own while open");
    h.close();
    host = null;
    try {
      Await.until("no Kayak or transport thread is left", WAIT, () -> hostThreads().isEmpty());
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": " + hostThreads(), e);
    }
  }

  private static List<String> hostThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("kayak-") || n.startsWith("bourne-net-")).toList();
  }

  @Test
  void listenResumesAfterTheAcknowledgedIndexAcrossARestart() throws Exception {
    KayakHost h = solo();
    long last = 0;
    for (int i = 0; i < 20; i++) {
      last = h.log().append(("e" + i).getBytes()).get(WAIT.toSeconds(), TimeUnit.SECONDS).index();
    }
    try (Subscription s = h.log().listen()) {
      assertEquals(1, s.position());
    }
    h.sync().ack(last - 5);
    h.close();
    host = Kayak.start(KayakConfig.builder(dir.resolve("solo")).tick(Duration.ofMillis(20)).build());
    assertEquals(last - 5, host.sync().acked());
    try (Subscription s = host.log().listen()) {
      assertEquals(last - 4, s.position());
      List<Entry> got = s.poll(100, WAIT);
      assertEquals(last - 4, got.get(0).index());
    }
  }

  @Test
  void roleAndTermListenersHearTheElection() throws Exception {
    List<Role> roles = new CopyOnWriteArrayList<>();
    List<Long> terms = new CopyOnWriteArrayList<>();
    host = Kayak.start(KayakConfig.builder(dir.resolve("l")).tick(Duration.ofMillis(20)).build());
    host.onRoleChange(roles::add);
    host.onTermChange(terms::add);
    Await.until("leader", WAIT, () -> host.role() == Role.LEADER);
    Await.until("listeners told", WAIT, () -> roles.contains(Role.LEADER));
    assertTrue(host.term() >= 1);
    assertEquals(1, host.roster().size());
    assertEquals(host.id(), host.leader().orElseThrow().id());
  }
}
