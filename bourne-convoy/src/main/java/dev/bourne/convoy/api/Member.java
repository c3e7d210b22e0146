package dev.bourne.convoy.api;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable snapshot of one member as seen by the local member.
 *
 * @param id the member's permanent id
 * @param address its advertised, routable address (never a wildcard)
 * @param incarnation its incarnation; (id, incarnation) names one life of the member
 * @param state its state in the local view
 * @param values its visible store items (live keys only), sorted by key
 */
public record Member(
    NodeId id, HostPort address, long incarnation, MemberState state, SortedMap<String, String> values) {
  /** Copies {@code values} into an unmodifiable sorted map. */
  public Member {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(state, "state");
    values = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(values));
  }

  /** The value of {@code key}, if this member holds a live value for it. */
  public Optional<String> value(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** A copy with another state and no change otherwise. */
  public Member withState(MemberState s) {
    return new Member(id, address, incarnation, s, values);
  }

  /** A short human form: {@code id8@host:port#inc STATE}. */
  @Override
  public String toString() {
    return id.shortString() + "@" + address + "#" + incarnation + " " + state + " " + values.size() + " items";
  }
}
