package dev.bourne.kayak.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.kayak.api.Entry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers on other threads see a consistent, growing prefix while one thread writes. */
class SegmentedLogConcurrencyTest {
  @TempDir Path dir;

  @Test
  void readersSeeConsistentPrefixesWhileTheWriterAppendsRollsAndSyncs() throws Exception {
    SegmentedLogOptions opts =
        SegmentedLogOptions.builder().segmentBytes(8192).maxEntryBytes(1024).cacheEntries(32).build();
    int total = 3000;
    try (SegmentedLog log = SegmentedLog.open(dir, opts)) {
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong reads = new AtomicLong();
      CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
        long seen = 0;
        while (!done.get() || seen < total) {
          long last = log.lastIndex();
          if (last < 1) {
            continue;
          }
          long from = Math.max(1, last - 200);
          List<Entry> got = log.read(from, last, Long.MAX_VALUE);
          assertEquals(last - from + 1, got.size());
          for (int i = 0; i < got.size(); i++) {
            assertEquals(SegmentedLogTest.entry(from + i, 1), got.get(i));
          }
          assertEquals(1, log.termAt(last));
          seen = last;
          reads.incrementAndGet();
        }
      });
      for (long i = 1; i <= total; i += 10) {
        log.append(SegmentedLogTest.entries(i, i + 9, 1));
        if (i % 100 == 1) {
          log.sync();
        }
      }
      log.sync();
      done.set(true);
      reader.get(60, TimeUnit.SECONDS);
      assertTrue(reads.get() > 0);
    }
  }
}
