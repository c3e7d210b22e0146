package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.api.Kayak;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.api.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host logic over an in-JVM transport: start, join, append everywhere, listen. */
class HostLocalTest {
  @TempDir Path dir;
  private final List<KayakHost> hosts = new ArrayList<>();

  @AfterEach
  void stop() {
    hosts.forEach(KayakHost::shutdown);
  }

  private KayakConfig config(String name) {
    return KayakConfig.builder(dir.resolve(name)).tick(Duration.ofMillis(20)).build();
  }

  @Test
  void threeMembersAppendFromEveryoneAndListenersSeeEverything() throws Exception {
    KayakHost first = Kayak.start(config("a"), new LocalTransport(), true);
    hosts.add(first);
    Await.until(Duration.ofSeconds(10), "first member leads", () -> first.role() == Role.LEADER);
    for (String n : List.of("b", "c")) {
      hosts.add(Kayak.join(config(n), List.of(first.address()), new LocalTransport(), true));
    }
    Await.until(Duration.ofSeconds(10), "three voters", () -> first.roster().stream().filter(m -> m.voter()).count() == 3);
    List<CompletableFuture<Entry>> appends = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      KayakHost h = hosts.get(i % 3);
      appends.add(h.log().append(("e" + i).getBytes(StandardCharsets.UTF_8)));
    }
    for (var f : appends) {
      Entry e = f.get(20, TimeUnit.SECONDS);
      assertEquals(EntryKind.STD, e.kind());
    }
    long last = appends.stream().mapToLong(f -> f.join().index()).max().orElseThrow();
    for (KayakHost h : hosts) {
      try (Subscription s = h.log().listen(1)) {
        List<Entry> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.isEmpty() || seen.get(seen.size() - 1).index() < last) {
          assertTrue(System.nanoTime() < deadline, "listener on " + h.id() + " saw only " + seen.size());
          seen.addAll(s.poll(100, Duration.ofMillis(100)));
        }
        for (int i = 0; i < seen.size(); i++) {
          assertEquals(i + 1, seen.get(i).index());
        }
        long std = seen.stream().filter(e -> e.kind() == EntryKind.STD).count();
        assertEquals(30, std);
      }
    }
    Long barrier = hosts.get(2).sync().barrier().get(10, TimeUnit.SECONDS);
    assertTrue(barrier >= last);
  }
}
