package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.kayak.Kayak;
import dev.bourne.kayak.api.CompactedException;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.api.Snapshot;
import dev.bourne.kayak.api.StorageException;
import dev.bourne.kayak.api.Subscription;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application's side of snapshots, through the public API on real files: compact hands over
 * the state, the log behind it is dropped (keeping a tail), a restart rebuilds from the snapshot
 * plus the log after it, and a subscription behind the log's start is told, not given a gap.
 */
class SnapshotTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<KayakHost> hosts = new ArrayList<>();

  @AfterEach
  void stopAll() {
    hosts.forEach(KayakHost::shutdown);
  }

  private KayakHost start(Path data, int retain) {
    KayakHost h = Kayak.start(KayakConfig.builder(data).tick(Duration.ofMillis(20)).segmentBytes(1 << 20)
        .maxEntryBytes(64 << 10).maxBytesPerMessage(256 << 10).snapshotRetainEntries(retain).build());
    hosts.add(h);
    Await.until("it leads", WAIT, () -> h.role() == Role.LEADER);
    return h;
  }

  /** A state machine: the events applied, in order; acknowledges what it applied. */
  private static List<String> applyAll(KayakHost h, Subscription sub, long upTo, List<String> state)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (sub.position() <= upTo) {
      assertTrue(System.nanoTime() < deadline, "applied only up to " + (sub.position() - 1) + " of " + upTo);
      for (Entry e : sub.poll(1000, Duration.ofMillis(50))) {
        if (e.kind() == EntryKind.STD) {
          state.add(new String(e.payload(), StandardCharsets.UTF_8));
        }
        h.sync().ack(e.index());
      }
    }
    return state;
  }

  private static List<byte[]> encode(List<String> state) {
    return state.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
  }

  private static List<String> decode(Snapshot s) {
    try (Stream<byte[]> events = s.events()) {
      return events.map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }
  }

  private static long appendAll(KayakHost h, String prefix, int n) throws Exception {
    List<CompletableFuture<Entry>> pending = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pending.add(h.log().append((prefix + i).getBytes(StandardCharsets.UTF_8)));
    }
    long last = 0;
    for (CompletableFuture<Entry> f : pending) {
      last = Math.max(last, f.get(WAIT.toSeconds(), TimeUnit.SECONDS).index());
    }
    return last;
  }

  @Test
  void compactThenRestartRebuildsFromTheSnapshotAndTheLogAfterIt() throws Exception {
    Path data = dir.resolve("a");
    KayakHost h = start(data, 50);
    long last = appendAll(h, "e", 300);
    List<String> state = new ArrayList<>();
    try (Subscription sub = h.log().listen(1)) {
      applyAll(h, sub, last, state);
    }
    assertEquals(last, h.log().compact(last, encode(state)).get(WAIT.toSeconds(), TimeUnit.SECONDS));
    Snapshot snap = h.log().snapshot().orElseThrow();
    assertEquals(last, snap.index());
    assertEquals(h.term(), snap.term());
    assertEquals(List.of(h.id()), snap.voters());
    assertEquals(state, decode(snap));
    // Behind the log's start (it kept the last 50 entries): a typed signal, not a gap.
    try (Subscription behind = h.log().listen(1)) {
      CompactedException e = assertThrows(CompactedException.class, () -> behind.poll(10, Duration.ofSeconds(1)));
      assertEquals(last - 50 + 1, e.firstIndex());
      assertEquals(CompactedException.CODE, e.code());
    }
    try (Subscription tail = h.log().listen(last - 49)) {
      assertEquals(last - 49, tail.poll(10, Duration.ofSeconds(5)).get(0).index(), "the retained tail is served");
    }
    long more = appendAll(h, "f", 20);
    h.shutdown();
    hosts.remove(h);

    KayakHost again = start(data, 50);
    Snapshot restored = again.log().snapshot().orElseThrow();
    assertEquals(last, restored.index());
    List<String> rebuilt = new ArrayList<>(decode(restored));
    try (Subscription sub = again.log().listen(restored.index() + 1)) {
      applyAll(again, sub, more, rebuilt);
    }
    List<String> expected = new ArrayList<>(state);
    for (int i = 0; i < 20; i++) {
      expected.add("f" + i);
    }
    assertEquals(expected, rebuilt, "snapshot + log after it = the whole history");
    assertTrue(again.log().append("after restart".getBytes()).get(WAIT.toSeconds(), TimeUnit.SECONDS).index() > more);
  }

  @Test
  void compactRefusesWhatTheApplicationHasNotAcknowledged() throws Exception {
    KayakHost h = start(dir.resolve("b"), 0);
    long last = appendAll(h, "e", 10);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> h.log().compact(last, List.of()).get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("acknowledged"), e.getCause().getMessage());
    h.sync().ack(last);
    h.log().compact(last, List.of()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    e = assertThrows(ExecutionException.class,
        () -> h.log().compact(last, List.of()).get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("already covers"), e.getCause().getMessage());
  }

  @Test
  void aDamagedSnapshotIsAClearStartupError() throws Exception {
    Path data = dir.resolve("c");
    KayakHost h = start(data, 0);
    long last = appendAll(h, "e", 10);
    h.sync().ack(last);
    h.log().compact(last, List.of("x".repeat(1000).getBytes())).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    h.shutdown();
    hosts.remove(h);
    Path file;
    try (Stream<Path> s = Files.list(data.resolve("snapshots"))) {
      file = s.filter(p -> p.toString().endsWith(".snap")).findFirst().orElseThrow();
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {'y'}), ch.size() - 10);
    }
    StorageException e = assertThrows(StorageException.class, () -> Kayak.start(KayakConfig.builder(data)
        .bind(new HostPort("127.0.0.1", 0)).build()));
    assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
  }

  @Test
  void withCompactionTheLogOnDiskStaysBounded() throws Exception {
    Path data = dir.resolve("d");
    KayakHost h = start(data, 500);
    byte[] pad = new byte[900];
    List<String> state = new ArrayList<>();
    long maxBytes = 0;
    try (Subscription sub = h.log().listen(1)) {
      for (int round = 0; round < 10; round++) {
        List<CompletableFuture<Entry>> pending = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
          pending.add(h.log().append(pad));
        }
        long last = 0;
        for (CompletableFuture<Entry> f : pending) {
          last = Math.max(last, f.get(WAIT.toSeconds(), TimeUnit.SECONDS).index());
        }
        applyAll(h, sub, last, state);
        h.log().compact(last, List.of(("count=" + state.size()).getBytes())).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        maxBytes = Math.max(maxBytes, size(data.resolve("log")));
      }
    }
    // 20,000 entries of about 1 KB were appended (about 20 MB); the log keeps about 500 of them
    // plus at most two 1 MiB segments in use.
    assertTrue(maxBytes < 4L << 20, "the log grew to " + maxBytes + " bytes");
    assertEquals(20_000, state.size());
  }

  @Test
  void automaticCompactionTakesSnapshotsFromTheRegisteredSource() throws Exception {
    Path data = dir.resolve("e");
    KayakHost h = start(data, 100);
    Object lock = new Object();
    List<String> state = new ArrayList<>();
    long[] applied = {0};
    var policy = h.log().compactEvery(1000, () -> {
      synchronized (lock) { // a consistent copy: the index and exactly the events up to it
        return applied[0] == 0 ? java.util.Optional.empty()
            : java.util.Optional.of(new dev.bourne.kayak.api.SnapshotSource.State(applied[0], encode(List.copyOf(state))));
      }
    });
    long last = appendAll(h, "e", 3000);
    try (Subscription sub = h.log().listen(1)) {
      while (sub.position() <= last) {
        for (Entry e : sub.poll(1000, Duration.ofMillis(50))) {
          synchronized (lock) {
            if (e.kind() == EntryKind.STD) {
              state.add(new String(e.payload(), StandardCharsets.UTF_8));
            }
            applied[0] = e.index();
          }
          h.sync().ack(e.index());
        }
      }
    }
    Await.until("a snapshot near the end", WAIT, () -> h.log().snapshot().map(s -> s.index() >= last - 1000)
        .orElse(false));
    policy.cancel();
    Snapshot snap = h.log().snapshot().orElseThrow();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3000 && expected.size() < decode(snap).size(); i++) {
      expected.add("e" + i);
    }
    assertEquals(expected, decode(snap), "the snapshot holds the source's state at its index");
    try (Subscription behind = h.log().listen(1)) {
      assertThrows(CompactedException.class, () -> behind.poll(10, Duration.ofSeconds(1)));
    }
  }

  @Test
  void automaticCompactionAlsoCountsBytes() throws Exception {
    KayakHost h = start(dir.resolve("f"), 10);
    long[] applied = {0};
    var policy = h.log().compactEvery(Long.MAX_VALUE, 200_000, () -> {
      synchronized (applied) {
        return applied[0] == 0 ? java.util.Optional.empty()
            : java.util.Optional.of(new dev.bourne.kayak.api.SnapshotSource.State(applied[0], List.of()));
      }
    });
    byte[] pad = new byte[1000];
    List<CompletableFuture<Entry>> pending = new ArrayList<>();
    for (int i = 0; i < 300; i++) { // 300 KB of payload: over the 200 KB mark, far below the entry mark
      pending.add(h.log().append(pad));
    }
    long last = 0;
    for (CompletableFuture<Entry> f : pending) {
      last = Math.max(last, f.get(WAIT.toSeconds(), TimeUnit.SECONDS).index());
    }
    try (Subscription sub = h.log().listen(1)) {
      while (sub.position() <= last) {
        for (Entry e : sub.poll(1000, Duration.ofMillis(50))) {
          synchronized (applied) {
            applied[0] = e.index();
          }
          h.sync().ack(e.index());
        }
      }
    }
    long lastApplied = last;
    // The entry mark cannot be reached: only the byte count can have triggered it.
    Await.until("a snapshot taken by bytes", WAIT, () -> h.log().snapshot().isPresent());
    policy.cancel();
    assertTrue(h.log().snapshot().orElseThrow().index() <= lastApplied);
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
