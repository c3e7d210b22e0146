package dev.bourne.common.config;

import java.time.Duration;

/**
 * Validation helpers for config builders. Each returns its input when valid and otherwise throws a
 * {@link ConfigException} naming the key and the value.
 */
public final class ConfigCheck {
  private ConfigCheck() {}

  /** The value must be present. */
  public static <T> T notNull(T value, String key) {
    if (value == null) {
      throw new ConfigException(key, null, "must be set");
    }
    return value;
  }

  /** The duration must be present and strictly positive. */
  public static Duration positive(Duration value, String key) {
    notNull(value, key);
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException(key, value, "must be a positive duration");
    }
    return value;
  }

  /** The duration must be present and zero or positive. */
  public static Duration nonNegative(Duration value, String key) {
    notNull(value, key);
    if (value.isNegative()) {
      throw new ConfigException(key, value, "must not be negative");
    }
    return value;
  }

  /** The number must be in {@code [min, max]}. */
  public static int inRange(int value, int min, int max, String key) {
    if (value < min || value > max) {
      throw new ConfigException(key, value, "must be in " + min + ".." + max);
    }
    return value;
  }

  /** The number must be in {@code [min, max]}. */
  public static long inRange(long value, long min, long max, String key) {
    if (value < min || value > max) {
      throw new ConfigException(key, value, "must be in " + min + ".." + max);
    }
    return value;
  }

  /** The number must be finite and in {@code [min, max]}. */
  public static double inRange(double value, double min, double max, String key) {
    if (!(value >= min && value <= max)) {
      throw new ConfigException(key, value, "must be in " + min + ".." + max);
    }
    return value;
  }

  /** A relation between two keys must hold, e.g. a timeout shorter than a period. */
  public static void require(boolean condition, String key, Object value, String reason) {
    if (!condition) {
      throw new ConfigException(key, value, reason);
    }
  }
}
