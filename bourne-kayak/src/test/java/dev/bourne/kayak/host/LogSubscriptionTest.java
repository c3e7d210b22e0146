package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bourne.common.time.Clock;
import dev.bourne.kayak.api.CompactedException;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.core.LogStorage;
import dev.bourne.kayak.storage.MemoryLogStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A subscription reports a compaction as {@link CompactedException}, even one that races with its read. */
class LogSubscriptionTest {
  /** A log whose prefix is compacted right after the subscription checked its first index, before it reads. */
  private static final class CompactsDuringPoll implements LogStorage {
    final MemoryLogStorage log = new MemoryLogStorage();
    long compactTo;

    @Override
    public long firstIndex() {
      long first = log.firstIndex();
      if (compactTo > 0) {
        log.compactPrefix(compactTo, log.termAt(compactTo)); // the compaction lands after this answer
        compactTo = 0;
      }
      return first;
    }

    @Override public long lastIndex() { return log.lastIndex(); }
    @Override public long snapshotIndex() { return log.snapshotIndex(); }
    @Override public long snapshotTerm() { return log.snapshotTerm(); }
    @Override public long termAt(long index) { return log.termAt(index); }
    @Override public List<Entry> read(long from, long to, long maxBytes) { return log.read(from, to, maxBytes); }
    @Override public void append(List<Entry> entries) { log.append(entries); }
    @Override public void truncateSuffix(long fromIndex) { log.truncateSuffix(fromIndex); }
    @Override public void sync() { log.sync(); }
    @Override public void compactPrefix(long upTo, long term) { log.compactPrefix(upTo, term); }
    @Override public void close() { log.close(); }
  }

  @Test
  void aCompactionBetweenTheCheckAndTheReadIsReportedAsCompacted() throws Exception {
    CompactsDuringPoll storage = new CompactsDuringPoll();
    List<Entry> entries = new ArrayList<>();
    for (long i = 1; i <= 10; i++) {
      entries.add(new Entry(i, 1, EntryKind.STD, new byte[] {(byte) i}));
    }
    storage.append(entries);
    CommitWatch watch = new CommitWatch(Clock.system());
    watch.advance(10);
    LogSubscription s = new LogSubscription(storage, watch, 1);
    assertEquals(3, s.poll(3, Duration.ZERO).size());
    storage.compactTo = 6;
    CompactedException e = assertThrows(CompactedException.class, () -> s.poll(3, Duration.ZERO));
    assertEquals(7, e.firstIndex());
    LogSubscription after = new LogSubscription(storage, watch, e.firstIndex());
    assertEquals(List.of(7L, 8L, 9L, 10L), after.poll(10, Duration.ZERO).stream().map(Entry::index).toList());
  }
}
