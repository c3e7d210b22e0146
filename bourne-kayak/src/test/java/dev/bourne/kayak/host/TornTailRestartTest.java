package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.Kayak;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Role;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import dev.bourne.kayak.storage.SegmentedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member that crashed in the middle of writing its log restarts from the torn tail: the partial
 * record (never synced, so never acknowledged) is cut off on start-up, every durable entry is kept,
 * the member catches up from the leader, and its log then matches the leader's entry for entry.
 * Real sockets, real files.
 */
class TornTailRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<KayakHost> hosts = new ArrayList<>();

  @AfterEach
  void stopAll() {
    hosts.forEach(KayakHost::shutdown);
  }

  private KayakConfig config(Path data) {
    return KayakConfig.builder(data).tick(Duration.ofMillis(20)).ticks(10, 2).build();
  }

  private static NettyTransport transport(HostPort bind) {
    return NettyTransport.start(TransportConfig.builder().bind(bind).ioThreads(1).build());
  }

  @Test
  void aFollowerRestartsFromATornLogTailAndConvergesWithTheLeader() throws Exception {
    KayakHost first = Kayak.start(config(dir.resolve("m0")), transport(new HostPort("127.0.0.1", 0)), true);
    hosts.add(first);
    Await.until("first member leads", WAIT, () -> first.role() == Role.LEADER);
    for (int i = 1; i < 3; i++) {
      hosts.add(Kayak.join(config(dir.resolve("m" + i)), List.of(first.address()),
          transport(new HostPort("127.0.0.1", 0)), true));
    }
    Await.until("three voters", WAIT, () -> hosts.stream().allMatch(
        h -> h.roster().stream().filter(Member::voter).count() == 3));
    for (int i = 0; i < 100; i++) {
      first.log().append(ClusterScenarios.bytes("before-" + i)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    KayakHost victim = hosts.stream().filter(h -> h.role() != Role.LEADER).findFirst().orElseThrow();
    Path data = ((RaftHost) victim).config.dataDir();
    HostPort address = victim.address();
    victim.shutdown();
    hosts.remove(victim);
    Path logDir = data.resolve("log");
    Path segment = lastSegment(logDir);
    long validBytes = Files.size(segment);
    long lastDurable;
    try (SegmentedLog log = SegmentedLog.open(logDir)) {
      lastDurable = log.lastIndex();
    }
    appendPartialRecord(segment);
    try (SegmentedLog log = SegmentedLog.open(logDir)) {
      assertEquals(lastDurable, log.lastIndex(), "recovery keeps every durable entry");
    }
    assertEquals(validBytes, Files.size(segment), "recovery cuts exactly the torn record");

    KayakHost leader = ClusterScenarios.leaderOf(hosts);
    long last = 0;
    for (int i = 0; i < 50; i++) {
      last = leader.log().append(ClusterScenarios.bytes("while-down-" + i)).get(WAIT.toSeconds(), TimeUnit.SECONDS).index();
    }

    KayakHost back = Kayak.start(config(data), transport(address), true);
    hosts.add(back);
    assertEquals(victim.id(), back.id(), "the restarted member keeps its identity");
    long target = last;
    Await.until("the restarted member catches up", WAIT, () -> back.log().committed() >= target);

    List<Entry> mine = ClusterScenarios.readAll(back, last);
    List<Entry> theirs = ClusterScenarios.readAll(leader, last);
    assertEquals(theirs.size(), mine.size());
    for (int i = 0; i < mine.size(); i++) {
      assertEquals(theirs.get(i).term(), mine.get(i).term(), "term at index " + (i + 1));
      assertEquals(theirs.get(i).kind(), mine.get(i).kind(), "kind at index " + (i + 1));
      assertArrayEquals(theirs.get(i).payload(), mine.get(i).payload(), "payload at index " + (i + 1));
    }
    assertEquals(150, ClusterScenarios.events(mine).size());
  }

  private static Path lastSegment(Path logDir) throws IOException {
    try (Stream<Path> files = Files.list(logDir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log"))
          .max(Comparator.comparing(p -> p.getFileName().toString()))
          .orElseThrow(() -> new AssertionError("no segment in " + logDir));
    }
  }

  /**
   * Appends the first part of a record that was never completed, as a crash in the middle of a
   * write that was not yet synced (so not yet acknowledged) leaves it: a length announcing 64 bytes,
   * then only 20 of them.
   */
  private static void appendPartialRecord(Path file) throws IOException {
    ByteBuffer partial = ByteBuffer.allocate(24).putInt(64);
    while (partial.hasRemaining()) {
      partial.put((byte) 0x5A);
    }
    partial.flip();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      while (partial.hasRemaining()) {
        ch.write(partial);
      }
      ch.force(true);
    }
  }
}
