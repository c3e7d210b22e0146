package dev.bourne.kayak.storage;

import dev.bourne.kayak.api.StorageException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips, rolling, truncation, compaction and bad input on real files with real fsync. */
class SegmentedLogTest {
  @TempDir Path dir;

  static Entry entry(long index, long term) {
    return new Entry(index, term, EntryKind.STD, ("entry-" + index).getBytes(StandardCharsets.UTF_8));
  }

  static List<Entry> entries(long from, long to, long term) {
    List<Entry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(entry(i, term));
    }
    return out;
  }

  static SegmentedLogOptions small() {
    return SegmentedLogOptions.builder().segmentBytes(4096).maxEntryBytes(1024).cacheEntries(16).build();
  }

  static List<Path> segmentFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
    }
  }

  @Test
  void emptyLogHasNoEntries() {
    try (SegmentedLog log = SegmentedLog.open(dir)) {
      assertEquals(1, log.firstIndex());
      assertEquals(0, log.lastIndex());
      assertEquals(0, log.termAt(0));
      assertEquals(List.of(), log.read(1, 0, Long.MAX_VALUE));
      log.sync();
    }
  }

  @Test
  void appendedEntriesReadBackAndSurviveReopen() {
    List<Entry> written = new ArrayList<>(entries(1, 5, 1));
    written.add(new Entry(6, 2, EntryKind.NOOP, new byte[0]));
    written.add(new Entry(7, 2, EntryKind.CONFIG, new byte[] {1, 2, 3}));
    written.add(new Entry(8, 2, EntryKind.STD, new byte[] {9}, new dev.bourne.kayak.api.AppendId(-3, 12, 10)));
    written.add(new Entry(9, 2, EntryKind.STD, new byte[0], new dev.bourne.kayak.api.AppendId(4, 1, 1)));
    try (SegmentedLog log = SegmentedLog.open(dir)) {
      log.append(written.subList(0, 3));
      log.append(written.subList(3, 9));
      assertEquals(written, log.read(1, 9, Long.MAX_VALUE));
      log.sync();
    }
    try (SegmentedLog log = SegmentedLog.open(dir)) {
      assertEquals(9, log.lastIndex());
      assertEquals(2, log.termAt(7));
      assertEquals(1, log.termAt(5));
      assertEquals(written, log.read(1, 9, Long.MAX_VALUE), "append ids survive the disk");
      log.append(List.of(entry(10, 3)));
      assertEquals(entry(10, 3), log.read(10, 10, 0).get(0));
    }
  }

  @Test
  void segmentsRollAtTheConfiguredSizeAndReadAcrossThem() throws IOException {
    List<Entry> written = entries(1, 500, 1);
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      for (Entry e : written) {
        log.append(List.of(e));
      }
      log.sync();
      assertEquals(written, log.read(1, 500, Long.MAX_VALUE));
    }
    List<Path> files = segmentFiles(dir);
    assertTrue(files.size() > 3, "expected several segments, got " + files);
    for (Path f : files) {
      assertTrue(Files.size(f) <= 4096, f + " is larger than the segment size");
    }
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      assertEquals(written, log.read(1, 500, Long.MAX_VALUE));
      assertEquals(written.subList(99, 400), log.read(100, 400, Long.MAX_VALUE));
    }
  }

  @Test
  void oneBigAppendSpreadsOverSegments() throws IOException {
    List<Entry> written = entries(1, 400, 1);
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      log.append(written);
      log.sync();
    }
    assertTrue(segmentFiles(dir).size() > 3);
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      assertEquals(written, log.read(1, 400, Long.MAX_VALUE));
    }
  }

  @Test
  void readStopsAtTheByteBudgetButReturnsAtLeastOne() {
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      log.append(entries(1, 300, 1));
      int size = entry(1, 1).payload().length;
      assertEquals(1, log.read(1, 300, 0).size());
      assertEquals(3, log.read(1, 300, 3L * size).size());
      assertEquals(1, log.read(299, 300, 1).size());
    }
  }

  @Test
  void readsWithoutACacheComeFromDisk() {
    SegmentedLogOptions noCache =
        SegmentedLogOptions.builder().segmentBytes(4096).maxEntryBytes(1024).cacheEntries(0).build();
    List<Entry> written = entries(1, 200, 1);
    try (SegmentedLog log = SegmentedLog.open(dir, noCache)) {
      log.append(written);
      assertEquals(written, log.read(1, 200, Long.MAX_VALUE));
      log.truncateSuffix(150);
      log.append(entries(150, 160, 2));
      assertEquals(entries(150, 160, 2), log.read(150, 160, Long.MAX_VALUE));
    }
  }

  @Test
  void truncationAcrossSegmentsIsDurableAndAppendContinues() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      log.append(entries(1, 400, 1));
      log.sync();
      int before = segmentFiles(dir).size();
      log.truncateSuffix(120);
      assertEquals(119, log.lastIndex());
      assertTrue(segmentFiles(dir).size() < before);
      assertThrows(IndexOutOfBoundsException.class, () -> log.read(119, 120, Long.MAX_VALUE));
      log.append(entries(120, 130, 2));
      log.sync();
    }
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      assertEquals(130, log.lastIndex());
      assertEquals(1, log.termAt(119));
      assertEquals(2, log.termAt(120));
      List<Entry> expected = new ArrayList<>(entries(1, 119, 1));
      expected.addAll(entries(120, 130, 2));
      assertEquals(expected, log.read(1, 130, Long.MAX_VALUE));
    }
  }

  @Test
  void truncationAtASegmentBoundaryAndOfEverything() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      log.append(entries(1, 400, 1));
      long boundary = Long.parseLong(segmentFiles(dir).get(2).getFileName().toString().substring(0, 20));
      log.truncateSuffix(boundary);
      assertEquals(boundary - 1, log.lastIndex());
      assertEquals(2, segmentFiles(dir).size());
      log.truncateSuffix(1);
      assertEquals(0, log.lastIndex());
      log.append(entries(1, 3, 4));
      log.sync();
    }
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      assertEquals(entries(1, 3, 4), log.read(1, 3, Long.MAX_VALUE));
    }
  }

  @Test
  void compactionDeletesWholeSegmentsAndRemembersThePoint() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      log.append(entries(1, 200, 1));
      log.append(entries(201, 400, 2));
      int before = segmentFiles(dir).size();
      log.compactPrefix(250, 2);
      assertTrue(segmentFiles(dir).size() < before);
      assertEquals(251, log.firstIndex());
      assertEquals(2, log.termAt(250));
      assertThrows(IndexOutOfBoundsException.class, () -> log.termAt(249));
      assertThrows(IndexOutOfBoundsException.class, () -> log.read(250, 260, Long.MAX_VALUE));
      assertEquals(entries(251, 400, 2), log.read(251, 400, Long.MAX_VALUE));
      log.sync();
    }
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      assertEquals(250, log.snapshotIndex());
      assertEquals(2, log.snapshotTerm());
      assertEquals(400, log.lastIndex());
      assertEquals(entries(251, 400, 2), log.read(251, 400, Long.MAX_VALUE));
    }
  }

  @Test
  void compactionPastTheEndLeavesAnEmptyLogThatContinuesAfterThePoint() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      log.append(entries(1, 100, 1));
      log.compactPrefix(1000, 7);
      assertEquals(1000, log.lastIndex());
      assertEquals(7, log.termAt(1000));
      assertEquals(List.of(), segmentFiles(dir));
      assertThrows(IllegalArgumentException.class, () -> log.append(List.of(entry(1000, 7))));
      log.append(entries(1001, 1010, 7));
      log.sync();
    }
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      assertEquals(1001, log.firstIndex());
      assertEquals(entries(1001, 1010, 7), log.read(1001, 1010, Long.MAX_VALUE));
    }
  }

  @Test
  void badInputIsRefusedAndLeavesTheLogIntact() {
    SegmentedLogOptions opts = small();
    try (SegmentedLog log = SegmentedLog.open(dir, opts)) {
      log.append(entries(1, 10, 2));
      assertThrows(IllegalArgumentException.class, () -> log.append(List.of(entry(12, 2))));
      assertThrows(IllegalArgumentException.class, () -> log.append(List.of(entry(11, 2), entry(13, 2))));
      assertThrows(IllegalArgumentException.class, () -> log.append(List.of(entry(11, 1))));
      var big = new Entry(11, 2, EntryKind.STD, new byte[opts.maxEntryBytes() + 1]);
      IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> log.append(List.of(big)));
      assertTrue(tooBig.getMessage().contains("maxEntryBytes"), tooBig.getMessage());
      log.compactPrefix(5, 2);
      assertThrows(IllegalArgumentException.class, () -> log.truncateSuffix(5));
      assertThrows(IllegalArgumentException.class, () -> log.compactPrefix(4, 2));
      assertThrows(IllegalArgumentException.class, () -> log.compactPrefix(8, 3));
      assertThrows(IndexOutOfBoundsException.class, () -> log.read(6, 11, Long.MAX_VALUE));
      assertEquals(10, log.lastIndex());
      assertEquals(entries(6, 10, 2), log.read(6, 10, Long.MAX_VALUE));
      log.append(List.of(entry(11, 2)));
      assertEquals(11, log.lastIndex());
    }
  }

  @Test
  void aDirectoryCannotBeOpenedTwice() {
    try (SegmentedLog log = SegmentedLog.open(dir)) {
      StorageException e = assertThrows(StorageException.class, () -> SegmentedLog.open(dir));
      assertTrue(e.getMessage().contains("already open"), e.getMessage());
    }
    SegmentedLog.open(dir).close();
  }

  @Test
  void closedLogRefusesWork() {
    SegmentedLog log = SegmentedLog.open(dir);
    log.append(entries(1, 2, 1));
    log.close();
    log.close();
    assertThrows(StorageException.class, () -> log.append(List.of(entry(3, 1))));
    assertThrows(StorageException.class, () -> log.read(1, 1, 10));
  }

  @Test
  void optionsAreValidated() {
    assertThrows(dev.bourne.common.config.ConfigException.class,
        () -> SegmentedLogOptions.builder().segmentBytes(100).build());
    assertThrows(dev.bourne.common.config.ConfigException.class,
        () -> SegmentedLogOptions.builder().segmentBytes(8192).maxEntryBytes(8192).build());
  }
}
