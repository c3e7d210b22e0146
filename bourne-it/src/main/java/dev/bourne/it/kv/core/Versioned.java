package dev.bourne.it.kv.core;

import java.util.Objects;

/**
 * A key's value and version. The version is the log index of the write that set it, so it grows
 * with every write and is the same on every replica. Callers must not change {@code value}.
 */
public record Versioned(byte[] value, long version) {
  public Versioned {
    Objects.requireNonNull(value, "value");
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, got " + version);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Versioned v && version == v.version && java.util.Arrays.equals(value, v.value);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(version) + java.util.Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "v" + version + "(" + value.length + "B)";
  }
}
