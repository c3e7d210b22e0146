package dev.bourne.it.kv.core;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The bounds of keys, values and versions, checked before a command enters the log. */
public final class Limits {
  /** The longest key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;
  /** The largest value, in bytes (well under Kayak's default 1 MiB entry limit with the key). */
  public static final int MAX_VALUE_BYTES = 512 * 1024;

  private Limits() {}

  /** @throws IllegalArgumentException if the key is empty, too long or holds control characters */
  public static void checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key is longer than " + MAX_KEY_BYTES + " bytes: '" + shorten(key) + "'");
    }
    for (int i = 0; i < key.length(); i++) {
      if (Character.isISOControl(key.charAt(i))) {
        throw new IllegalArgumentException("key must not contain control characters: '" + shorten(key) + "'");
      }
    }
  }

  /** @throws IllegalArgumentException if the value is larger than {@link #MAX_VALUE_BYTES} */
  public static void checkValue(byte[] value) {
    if (value.length > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("value is " + value.length + " bytes, more than the limit of " + MAX_VALUE_BYTES);
    }
  }

  /** @throws IllegalArgumentException if an expected version is negative */
  public static void checkExpected(Optional<Long> expected) {
    if (expected == null) {
      throw new NullPointerException("expected");
    }
    if (expected.isPresent() && expected.get() < 0) {
      throw new IllegalArgumentException("expected version must be 0 (absent) or a version, got " + expected.get());
    }
  }

  static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
