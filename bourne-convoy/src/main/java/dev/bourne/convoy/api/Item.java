package dev.bourne.convoy.api;

import java.util.Objects;

/**
 * One key's value in a member's store, with its version. An absent key is {@link #ABSENT}
 * (version 0); a deleted key is a tombstone that keeps its version, so the next write must name it.
 *
 * @param value the value ({@code ""} for an absent or deleted key)
 * @param version the owner's version of this key; 0 when never written
 * @param deleted true for a tombstone
 */
public record Item(String value, long version, boolean deleted) {
  /** The item of a key that was never written. */
  public static final Item ABSENT = new Item("", 0, false);

  /** @throws IllegalArgumentException if the version is negative */
  public Item {
    Objects.requireNonNull(value, "value");
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, got " + version);
    }
  }

  /** True if the key holds a live value (written and not deleted). */
  public boolean exists() {
    return version > 0 && !deleted;
  }
}
