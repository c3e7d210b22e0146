package dev.bourne.it.kv.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The cluster's map of data groups, as the metadata group holds it under {@link #KEY}: the names of
 * the data groups in routing order. Written once, by the first node to find it missing; every node
 * routes by it, whatever its own configuration said.
 *
 * @param groups the data groups' names, in routing order (1 to 64 of them)
 */
public record ShardMap(List<String> groups) {
  /** The metadata group's key that holds the map. */
  public static final String KEY = "cluster/shards";

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  /** @throws IllegalArgumentException if there are no groups, too many, or a name is not valid */
  public ShardMap {
    groups = List.copyOf(groups);
    if (groups.isEmpty() || groups.size() > 64) {
      throw new IllegalArgumentException("a shard map has 1 to 64 data groups, got " + groups.size());
    }
    for (String g : groups) {
      if (!NAME.matcher(g).matches()) {
        throw new IllegalArgumentException("invalid data group name '" + g + "'");
      }
    }
    if (groups.stream().distinct().count() != groups.size()) {
      throw new IllegalArgumentException("data group names repeat: " + groups);
    }
  }

  /** The map of {@code count} data groups named {@code kv-0} to {@code kv-(count-1)}. */
  public static ShardMap of(int count) {
    if (count < 1 || count > 64) {
      throw new IllegalArgumentException("data groups must be 1 to 64, got " + count);
    }
    return new ShardMap(java.util.stream.IntStream.range(0, count).mapToObj(i -> "kv-" + i).toList());
  }

  /** The stored form: names separated by commas. */
  public byte[] encode() {
    return String.join(",", groups).getBytes(StandardCharsets.UTF_8);
  }

  /** @throws IllegalArgumentException if {@code bytes} is not a stored shard map */
  public static ShardMap decode(byte[] bytes) {
    return new ShardMap(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split(",", -1)));
  }
}
