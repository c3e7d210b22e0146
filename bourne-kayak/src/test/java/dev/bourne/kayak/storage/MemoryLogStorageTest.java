package dev.bourne.kayak.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryLogStorageTest {
  private static List<Entry> entries(long from, long to, long term) {
    List<Entry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(new Entry(i, term, EntryKind.STD, new byte[] {(byte) i, (byte) term}));
    }
    return out;
  }

  @Test
  void crashLosesUnsyncedAppends() {
    MemoryLogStorage s = new MemoryLogStorage();
    s.append(entries(1, 5, 1));
    s.sync();
    s.append(entries(6, 9, 1));
    s.crash();
    assertEquals(5, s.lastIndex());
    assertEquals(entries(1, 5, 1), s.read(1, 5, Long.MAX_VALUE));
  }

  @Test
  void crashBringsBackDurableEntriesThatAnUnsyncedTruncationCut() {
    MemoryLogStorage s = new MemoryLogStorage();
    s.append(entries(1, 6, 1));
    s.sync();
    s.truncateSuffix(4);
    s.append(entries(4, 5, 2));
    s.truncateSuffix(2);
    s.crash();
    assertEquals(entries(1, 6, 1), s.read(1, 6, Long.MAX_VALUE));
    s.truncateSuffix(4);
    s.append(entries(4, 4, 2));
    s.sync();
    s.crash();
    List<Entry> expect = new ArrayList<>(entries(1, 3, 1));
    expect.addAll(entries(4, 4, 2));
    assertEquals(expect, s.read(1, 4, Long.MAX_VALUE));
  }

  @Test
  void readsHonourTheByteBudgetAndBounds() {
    MemoryLogStorage s = new MemoryLogStorage();
    s.append(entries(1, 10, 1));
    assertEquals(1, s.read(1, 10, 1).size(), "at least one entry");
    assertEquals(3, s.read(1, 10, 6).size());
    assertThrows(IndexOutOfBoundsException.class, () -> s.read(1, 11, 100));
    assertThrows(IllegalArgumentException.class, () -> s.append(entries(12, 12, 1)));
    s.compactPrefix(4, 1);
    assertEquals(5, s.firstIndex());
    assertEquals(1, s.termAt(4));
    assertThrows(IndexOutOfBoundsException.class, () -> s.termAt(3));
    assertThrows(IllegalArgumentException.class, () -> s.truncateSuffix(4));
  }
}
