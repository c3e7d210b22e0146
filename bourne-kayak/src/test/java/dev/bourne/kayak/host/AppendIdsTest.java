package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.kayak.api.AppendId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record of append ids: found while in the log, forgotten once settled or truncated, bounded. */
class AppendIdsTest {
  private static Entry entry(long index, AppendId id) {
    return new Entry(index, 1, EntryKind.STD, new byte[] {(byte) index}, id);
  }

  @Test
  void idsAreFoundUntilTheirSessionSettlesThem() {
    AppendIds ids = new AppendIds();
    ids.appended(List.of(entry(1, new AppendId(7, 1, 1)), entry(2, new AppendId(7, 2, 1)),
        new Entry(3, 1, EntryKind.NOOP, new byte[0])));
    assertEquals(1, ids.indexOf(new AppendId(7, 1, 1)));
    assertEquals(2, ids.indexOf(new AppendId(7, 2, 1)));
    assertEquals(0, ids.indexOf(new AppendId(8, 1, 1)), "another session");
    assertFalse(ids.settled(new AppendId(7, 1, 1)));
    // A later event of the session says everything below seq 3 finished: 1 and 2 are forgotten.
    ids.appended(List.of(entry(4, new AppendId(7, 3, 3))));
    assertEquals(0, ids.indexOf(new AppendId(7, 1, 1)));
    assertTrue(ids.settled(new AppendId(7, 2, 1)));
    assertEquals(4, ids.indexOf(new AppendId(7, 3, 3)));
    assertEquals(1, ids.size());
  }

  @Test
  void aTruncatedSuffixTakesItsIdsAlong() {
    AppendIds ids = new AppendIds();
    ids.appended(List.of(entry(1, new AppendId(7, 1, 1)), entry(2, new AppendId(7, 2, 1)),
        entry(3, new AppendId(9, 1, 1))));
    ids.truncatedFrom(2);
    assertEquals(1, ids.indexOf(new AppendId(7, 1, 1)));
    assertEquals(0, ids.indexOf(new AppendId(7, 2, 1)));
    assertEquals(0, ids.indexOf(new AppendId(9, 1, 1)));
    ids.appended(List.of(entry(2, new AppendId(9, 1, 1)))); // the new leader's entry there
    assertEquals(2, ids.indexOf(new AppendId(9, 1, 1)));
  }

  @Test
  void theOldestSessionsGoFirstBeyondTheBound() {
    AppendIds ids = new AppendIds();
    List<Entry> entries = new ArrayList<>();
    for (int s = 1; s <= AppendIds.MAX_SESSIONS + 10; s++) {
      entries.add(entry(s, new AppendId(s, 1, 1)));
    }
    ids.appended(entries);
    assertEquals(AppendIds.MAX_SESSIONS, ids.size());
    assertEquals(0, ids.indexOf(new AppendId(1, 1, 1)), "the oldest session was dropped");
    long last = AppendIds.MAX_SESSIONS + 10;
    assertEquals(last, ids.indexOf(new AppendId(last, 1, 1)));
  }

  @Test
  void aSessionNumbersItsEventsAndSettlesWhatFinished() {
    AppendSession session = new AppendSession(42);
    List<AppendId> first = session.open(2);
    List<AppendId> second = session.open(1);
    assertEquals(List.of(new AppendId(42, 1, 1), new AppendId(42, 2, 1)), first);
    assertEquals(new AppendId(42, 3, 1), second.get(0), "the first append is still open");
    session.finished(first);
    assertEquals(new AppendId(42, 4, 3), session.open(1).get(0), "settled up to the oldest open one");
    assertThrows(IllegalArgumentException.class, () -> new AppendSession(0));
    assertThrows(IllegalArgumentException.class, () -> new AppendId(1, 2, 3));
  }
}
