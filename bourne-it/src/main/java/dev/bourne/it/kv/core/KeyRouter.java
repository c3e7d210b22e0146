package dev.bourne.it.kv.core;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Which data group holds a key: the key's Murmur3 hash modulo the number of groups, in the order of
 * the shard map. Every node computes the same answer from the same map.
 */
public final class KeyRouter {
  private KeyRouter() {}

  /**
   * The position in {@code groups} of the group that holds {@code key}.
   *
   * @throws IllegalArgumentException if {@code groups} is 0 or less
   */
  public static int groupOf(String key, int groups) {
    if (groups < 1) {
      throw new IllegalArgumentException("groups must be >= 1, got " + groups);
    }
    int h = Hashing.murmur3_32_fixed().hashString(key, StandardCharsets.UTF_8).asInt();
    return Math.floorMod(h, groups);
  }

  /** The group of {@code groups} that holds {@code key}. */
  public static <T> T route(String key, List<T> groups) {
    return groups.get(groupOf(key, groups.size()));
  }
}
