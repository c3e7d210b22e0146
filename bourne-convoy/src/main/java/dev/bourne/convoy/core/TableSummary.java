package dev.bourne.convoy.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.core.MemberTable.Entry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The compact summary two members compare in periodic anti-entropy: the active members of the
 * table split into {@link #BUCKETS} buckets by member id, each bucket one 64-bit hash of what is
 * known about its members (id, address, incarnation, generation, state, and every item's key,
 * version and tombstone). Two tables that agree give equal summaries; a bucket that differs names
 * the members to exchange in full (N/64 of them). A summary costs the same at 8 members as at
 * 8,000, so anti-entropy between agreeing members no longer grows with the group.
 *
 * <p>The hashes are a fixed function of the state (not Java's {@code hashCode}), so that members on
 * different runtimes agree. Not cryptographic: a peer that wants to hide a difference gains
 * nothing it could not get by lying in gossip.
 */
final class TableSummary {
  /** Buckets per summary: 64 of 8 bytes each, about 520 bytes on the wire. */
  static final int BUCKETS = 64;

  private TableSummary() {}

  /** The bucket of member {@code id}. */
  static int bucket(NodeId id) {
    return (int) (mix(id.uuid().getMostSignificantBits() ^ Long.rotateLeft(id.uuid().getLeastSignificantBits(), 17))
        & (BUCKETS - 1));
  }

  /** The summary of {@code table}: one hash per bucket (0 for an empty bucket). */
  static long[] summarize(MemberTable table) {
    long[] buckets = new long[BUCKETS];
    for (Entry e : table.all()) {
      // Only active members count: a failed, departed or evicted one is as good as absent here.
      // Inactive records cannot always be reconciled (a member that never knew X ignores news of
      // X's failure), and hashing them would make two tables differ until the reaper forgets them.
      // A member alive here and failed there still differs, and the exchange repairs it.
      if (e.state.isActive()) {
        // Summing per-member hashes makes a bucket's hash independent of the order members are visited.
        buckets[bucket(e.id)] += memberHash(e);
      }
    }
    return buckets;
  }

  /** The buckets in which {@code mine} and {@code theirs} differ, in order; all of them if the sizes differ. */
  static List<Integer> differing(long[] mine, List<Long> theirs) {
    List<Integer> out = new ArrayList<>();
    for (int b = 0; b < BUCKETS; b++) {
      if (theirs.size() != BUCKETS || mine[b] != theirs.get(b)) {
        out.add(b);
      }
    }
    return out;
  }

  /** The hash of everything known about one member. */
  static long memberHash(Entry e) {
    long h = mix(e.id.uuid().getMostSignificantBits());
    h = mix(h ^ e.id.uuid().getLeastSignificantBits());
    h = mix(h ^ string(e.address.toString()));
    h = mix(h ^ e.incarnation);
    h = mix(h ^ e.generation);
    h = mix(h ^ e.state.ordinal());
    for (Map.Entry<String, Item> it : e.items.entrySet()) {
      h = mix(h ^ string(it.getKey()));
      h = mix(h ^ it.getValue().version() ^ (it.getValue().deleted() ? Long.MIN_VALUE : 0));
    }
    return h;
  }

  private static long string(String s) {
    long h = 0xcbf29ce484222325L; // FNV-1a over the UTF-8 bytes
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64's finalizer: every input bit affects every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
