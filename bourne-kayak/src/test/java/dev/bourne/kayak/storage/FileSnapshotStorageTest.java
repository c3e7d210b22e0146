package dev.bourne.kayak.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.kayak.api.StorageException;
import dev.bourne.kayak.core.SnapshotStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot files: visible only once durable and whole, nothing left by an abandoned one, damage detected. */
class FileSnapshotStorageTest {
  @TempDir Path dir;

  private static byte[] content(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  @Test
  void aCommittedSnapshotReadsBackAndReplacesTheOlderOne() throws IOException {
    byte[] first = content(3_000_000, 1);
    byte[] second = content(1000, 2);
    try (FileSnapshotStorage s = FileSnapshotStorage.open(dir)) {
      assertEquals(Optional.empty(), s.latest());
      SnapshotStorage.Meta a;
      try (SnapshotStorage.Writer w = s.create(10, 2)) {
        w.write(first, 0, 1_000_000);
        w.write(first, 1_000_000, first.length - 1_000_000);
        assertEquals(first.length, w.written());
        a = w.commit(null);
      }
      assertEquals(Optional.of(a), s.latest());
      assertArrayEquals(first, s.read(a, 0, first.length));
      assertArrayEquals(java.util.Arrays.copyOfRange(first, 5, 15), s.read(a, 5, 10));
      assertEquals(0, s.read(a, first.length, 10).length);
      try (SnapshotStorage.Writer w = s.create(20, 3)) {
        w.write(second, 0, second.length);
        SnapshotStorage.Meta b = w.commit(null);
        assertEquals(Optional.of(b), s.latest());
      }
      assertEquals(1, files().size(), "the older snapshot was removed: " + files());
    }
    try (FileSnapshotStorage s = FileSnapshotStorage.open(dir)) {
      SnapshotStorage.Meta m = s.latest().orElseThrow();
      assertEquals(20, m.index());
      assertEquals(3, m.term());
      assertArrayEquals(second, s.read(m, 0, second.length));
    }
  }

  @Test
  void anAbandonedOrMismatchedSnapshotLeavesNothingBehind() throws IOException {
    try (FileSnapshotStorage s = FileSnapshotStorage.open(dir)) {
      SnapshotStorage.Writer w = s.create(5, 1);
      w.write(new byte[100], 0, 100);
      w.abort();
      assertEquals(List.of(), files());
      SnapshotStorage.Writer x = s.create(6, 1);
      x.write(new byte[100], 0, 100);
      StorageException e = assertThrows(StorageException.class, () -> x.commit(12345));
      assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
      assertEquals(List.of(), files());
      assertEquals(Optional.empty(), s.latest());
      // A crash in the middle of writing leaves a .part file: the next open removes it.
      s.create(7, 1).write(new byte[10], 0, 10);
    }
    assertEquals(1, files().size());
    try (FileSnapshotStorage s = FileSnapshotStorage.open(dir)) {
      assertEquals(Optional.empty(), s.latest());
      assertEquals(List.of(), files());
    }
  }

  @Test
  void aDamagedSnapshotIsAClearStartupError() throws IOException {
    try (FileSnapshotStorage s = FileSnapshotStorage.open(dir)) {
      try (SnapshotStorage.Writer w = s.create(9, 4)) {
        w.write(content(5000, 3), 0, 5000);
        w.commit(null);
      }
    }
    Path file = files().get(0);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x55}), FileSnapshotStorage.HEADER_BYTES + 1234);
    }
    StorageException e = assertThrows(StorageException.class, () -> FileSnapshotStorage.open(dir));
    assertTrue(e.getMessage().contains(file.getFileName().toString()) && e.getMessage().contains("checksum"),
        e.getMessage());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(FileSnapshotStorage.HEADER_BYTES + 100);
    }
    e = assertThrows(StorageException.class, () -> FileSnapshotStorage.open(dir));
    assertTrue(e.getMessage().contains("header says"), e.getMessage());
  }
}
