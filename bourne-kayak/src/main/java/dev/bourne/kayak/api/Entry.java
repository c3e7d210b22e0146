package dev.bourne.kayak.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the replicated log. Immutable. Listeners see every entry, NOOP and CONFIG ones
 * included, so that acknowledged indexes have no gaps.
 *
 * @param index position in the log, from 1
 * @param term the leader term that created it, from 1
 * @param kind what it holds
 * @param payload the application event for {@link EntryKind#STD}; an encoded configuration for
 *     {@link EntryKind#CONFIG}; empty for {@link EntryKind#NOOP}. Callers must not mutate it.
 * @param id the identity of the append that created an STD entry ({@link AppendId#NONE} for the
 *     others): a retried append never commits a second entry with the same id
 */
public record Entry(long index, long term, EntryKind kind, byte[] payload, AppendId id) {
  /** An entry without an append id (NOOP, CONFIG, or written directly). */
  public Entry(long index, long term, EntryKind kind, byte[] payload) {
    this(index, term, kind, payload, AppendId.NONE);
  }

  /** @throws IllegalArgumentException if index or term is not positive */
  public Entry {
    if (index < 1) {
      throw new IllegalArgumentException("index must be >= 1, got " + index);
    }
    if (term < 1) {
      throw new IllegalArgumentException("term must be >= 1, got " + term);
    }
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(id, "id");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e
        && index == e.index
        && term == e.term
        && kind == e.kind
        && id.equals(e.id)
        && Arrays.equals(payload, e.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, term, kind, id, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "Entry[" + index + "@" + term + " " + kind + " " + payload.length + "B" + (id.isNone() ? "" : " " + id) + "]";
  }
}
