package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.kayak.Kayak;
import dev.bourne.kayak.api.CompactedException;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.api.Snapshot;
import dev.bourne.kayak.api.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member behind the leader's compacted prefix catches up by snapshot (chunked InstallSnapshot
 * over real sockets), and its application rebuilds the same state from the snapshot plus the log.
 */
class SnapshotInstallTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final List<KayakHost> hosts = new ArrayList<>();

  @AfterEach
  void stopAll() {
    hosts.forEach(KayakHost::shutdown);
  }

  private KayakConfig config(String name, HostPort bind) {
    return KayakConfig.builder(dir.resolve(name)).bind(bind).tick(Duration.ofMillis(20)).segmentBytes(1 << 20)
        .maxEntryBytes(64 << 10).maxBytesPerMessage(256 << 10).snapshotRetainEntries(100).build();
  }

  private static HostPort any() {
    return new HostPort("127.0.0.1", 0);
  }

  /** The application: every STD event, in order; rebuilt from a snapshot when the log says so. */
  private static final class App {
    final List<String> state = new ArrayList<>();
    final KayakHost host;
    Subscription sub;

    App(KayakHost host) {
      this.host = host;
      this.sub = host.log().listen(1);
    }

    void catchUp(long upTo) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (sub.position() <= upTo) {
        assertTrue(System.nanoTime() < deadline, host.id() + " applied only up to " + (sub.position() - 1));
        List<Entry> got;
        try {
          got = sub.poll(1000, Duration.ofMillis(50));
        } catch (CompactedException e) {
          Snapshot s = host.log().snapshot().orElseThrow();
          state.clear();
          try (Stream<byte[]> events = s.events()) {
            events.forEach(b -> state.add(new String(b, StandardCharsets.UTF_8)));
          }
          sub.close();
          sub = host.log().listen(s.index() + 1);
          continue;
        }
        for (Entry e : got) {
          if (e.kind() == EntryKind.STD) {
            state.add(new String(e.payload(), StandardCharsets.UTF_8));
          }
          host.sync().ack(e.index());
        }
      }
    }

    void compact() throws Exception {
      long at = sub.position() - 1;
      host.log().compact(at, state.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList())
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private static long appendAll(KayakHost h, String prefix, int n, int bytes) throws Exception {
    List<CompletableFuture<Entry>> pending = new ArrayList<>();
    String pad = "x".repeat(bytes);
    for (int i = 0; i < n; i++) {
      pending.add(h.log().append((prefix + i + pad).getBytes(StandardCharsets.UTF_8)));
    }
    long last = 0;
    for (CompletableFuture<Entry> f : pending) {
      last = Math.max(last, f.get(WAIT.toSeconds(), TimeUnit.SECONDS).index());
    }
    return last;
  }

  @Test
  void aMemberThatMissedTheCompactedPrefixCatchesUpBySnapshot() throws Exception {
    KayakHost leader = Kayak.start(config("a", any()));
    hosts.add(leader);
    Await.until("a leads", WAIT, () -> leader.role() == Role.LEADER);
    KayakHost b = Kayak.join(config("b", any()), List.of(leader.address()));
    hosts.add(b);
    KayakHost c = Kayak.join(config("c", any()), List.of(leader.address()));
    hosts.add(c);
    Await.until("three voters", WAIT, () -> leader.roster().stream().filter(Member::voter).count() == 3);
    appendAll(leader, "before-", 50, 10);

    HostPort cAddress = c.address();
    c.shutdown();
    hosts.remove(c);
    // About 5 MB while c is down (so the snapshot takes several 1 MiB chunks), then compaction:
    // c's next entry is gone from the leader's log.
    long last = appendAll(leader, "while-", 2500, 2000);
    App app = new App(leader);
    app.catchUp(last);
    app.compact();
    Snapshot snap = leader.log().snapshot().orElseThrow();
    assertTrue(snap.bytes() > 3 * (1 << 20), "several 1 MiB chunks: " + snap.bytes());

    KayakHost back = Kayak.join(config("c", cAddress), List.of(leader.address()));
    hosts.add(back);
    Await.until("c installed the snapshot", WAIT,
        () -> back.log().snapshot().map(s -> s.index() >= snap.index()).orElse(false));
    long more = appendAll(leader, "after-", 20, 10);
    App restored = new App(back);
    restored.catchUp(more);
    app.catchUp(more);
    assertEquals(app.state, restored.state, "snapshot + log after it rebuilt the same state on c");
    assertEquals(50 + 2500 + 20, restored.state.size());
  }

  @Test
  void aLeaderChangeDuringTheInstallStillLeavesTheMemberWithTheWholeState() throws Exception {
    KayakHost a = Kayak.start(config("a", any()));
    hosts.add(a);
    Await.until("a leads", WAIT, () -> a.role() == Role.LEADER);
    KayakHost b = Kayak.join(config("b", any()), List.of(a.address()));
    hosts.add(b);
    KayakHost c = Kayak.join(config("c", any()), List.of(a.address()));
    hosts.add(c);
    Await.until("three voters", WAIT, () -> a.roster().stream().filter(Member::voter).count() == 3);
    HostPort cAddress = c.address();
    c.shutdown();
    hosts.remove(c);
    long last = appendAll(a, "while-", 2500, 2000);
    // Both a and b compact at the same index, so either can send c the snapshot.
    App onA = new App(a);
    onA.catchUp(last);
    App onB = new App(b);
    onB.catchUp(last);
    assertEquals(onA.sub.position(), onB.sub.position(), "no entry after the last append");
    onA.compact();
    onB.compact();

    KayakHost back = Kayak.join(config("c", cAddress), List.of(a.address()));
    hosts.add(back);
    a.transferLeadership(b.id()).get(WAIT.toSeconds(), TimeUnit.SECONDS); // while c is catching up
    Await.until("b leads", WAIT, () -> b.role() == Role.LEADER);
    long more = appendAll(b, "after-", 20, 10);
    App restored = new App(back);
    restored.catchUp(more);
    onB.catchUp(more);
    assertEquals(onB.state, restored.state, "c rebuilt b's state after the leader changed");
    assertEquals(2500 + 20, restored.state.size());
  }

  @Test
  void aWipedMemberRejoinsAndCatchesUpBySnapshot() throws Exception {
    KayakHost leader = Kayak.start(config("a", any()));
    hosts.add(leader);
    Await.until("a leads", WAIT, () -> leader.role() == Role.LEADER);
    hosts.add(Kayak.join(config("b", any()), List.of(leader.address())));
    long last = appendAll(leader, "e", 500, 100);
    App app = new App(leader);
    app.catchUp(last);
    app.compact();
    // A new member with an empty directory: everything before the leader's first log index comes
    // from the snapshot.
    KayakHost fresh = Kayak.join(config("wiped", any()), List.of(leader.address()));
    hosts.add(fresh);
    App mine = new App(fresh);
    mine.catchUp(last);
    assertEquals(app.state, mine.state);
    assertTrue(fresh.log().snapshot().isPresent(), "it was sent the snapshot");
  }
}
