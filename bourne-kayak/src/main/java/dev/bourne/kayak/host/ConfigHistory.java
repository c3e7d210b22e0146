package dev.bourne.kayak.host;

import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.core.Membership;
import dev.bourne.kayak.core.MembershipCodec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configurations of the local log by index, so that a snapshot taken as of any index records
 * the configuration at that index (the core keeps only what it needs to roll back a truncation).
 * Fed from the entries the host writes; configurations are rare, so this stays tiny.
 *
 * <p>Event-loop thread only (and the constructor).
 */
final class ConfigHistory {
  private final TreeMap<Long, Membership> byIndex = new TreeMap<>();

  /** The configuration a snapshot at {@code index} recorded. */
  void base(long index, Membership membership) {
    byIndex.put(index, membership);
  }

  /** Records the CONFIG entries among entries appended to the local log. */
  void appended(List<Entry> entries) {
    for (Entry e : entries) {
      if (e.kind() == EntryKind.CONFIG) {
        byIndex.put(e.index(), MembershipCodec.decode(e.payload()));
      }
    }
  }

  /** The local log lost every entry from {@code index} on. */
  void truncatedFrom(long index) {
    byIndex.tailMap(index, true).clear();
  }

  /** The configuration in effect at {@code index} ({@link Membership#EMPTY} before any). */
  Membership at(long index) {
    Map.Entry<Long, Membership> e = byIndex.floorEntry(index);
    return e == null ? Membership.EMPTY : e.getValue();
  }

  /** Forgets configurations no snapshot at or after {@code index} can need (keeps the one in effect there). */
  void forgetBelow(long index) {
    Long floor = byIndex.floorKey(index);
    if (floor != null) {
      byIndex.headMap(floor, false).clear();
    }
  }
}
