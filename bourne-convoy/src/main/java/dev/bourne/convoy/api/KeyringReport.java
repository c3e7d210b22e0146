package dev.bourne.convoy.api;

import dev.bourne.common.id.NodeId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a keyring operation ({@link GossipKeyring}) found on each member.
 *
 * @param operation what was asked, such as {@code "install 1a2b3c4d"}
 * @param keys each member that answered, with its keys' fingerprints afterwards, primary first
 * @param failures each active member that did not answer or refused, with why
 * @param notAsked members known but not active (failed, left): they were not changed; before they
 *     come back, configure them with the new keys and {@link GossipSecurity#overridePersistedKeyring()}
 *     (their persisted ring wins over the configuration otherwise)
 */
public record KeyringReport(String operation, Map<NodeId, List<String>> keys, Map<NodeId, String> failures,
    List<NodeId> notAsked) {
  /** Copies the collections (sorted by member id, for stable output). */
  public KeyringReport {
    keys = java.util.Collections.unmodifiableMap(new TreeMap<>(keys));
    failures = java.util.Collections.unmodifiableMap(new TreeMap<>(failures));
    notAsked = List.copyOf(notAsked);
  }

  /** True if every active member answered and agreed. */
  public boolean complete() {
    return failures.isEmpty();
  }

  /** True if every member that answered holds exactly the same keys in the same order. */
  public boolean uniform() {
    return keys.values().stream().distinct().count() <= 1;
  }
}
