package dev.bourne.common.config;

import dev.bourne.common.net.HostPort;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A flat, immutable map of string settings with typed look-ups, for command lines and property
 * files. Durations are written as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601
 * ({@code PT5S}); a bare number means milliseconds. Every look-up that fails throws a
 * {@link ConfigException} naming the key and the value.
 */
public final class Settings {
  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** Settings from a map (copied). */
  public static Settings of(Map<String, String> values) {
    return new Settings(Objects.requireNonNull(values, "values"));
  }

  /** Settings from {@link Properties} (copied). */
  public static Settings of(Properties properties) {
    Map<String, String> m = new TreeMap<>();
    for (String k : properties.stringPropertyNames()) {
      m.put(k, properties.getProperty(k));
    }
    return new Settings(m);
  }

  /** True if the key is present. */
  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** The raw value, or {@code fallback} if absent. */
  public String string(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  /** An integer value, or {@code fallback} if absent. */
  public int integer(String key, int fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new ConfigException(key, v, "not an integer");
    }
  }

  /** A boolean ({@code true}/{@code false}), or {@code fallback} if absent. */
  public boolean bool(String key, boolean fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(key, v, "not a boolean (true or false)");
    };
  }

  /** A duration, or {@code fallback} if absent. */
  public Duration duration(String key, Duration fallback) {
    String v = values.get(key);
    return v == null ? fallback : parseDuration(key, v);
  }

  /** An address {@code host:port}, or {@code fallback} if absent. */
  public HostPort address(String key, HostPort fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return HostPort.parse(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, v, e.getMessage());
    }
  }

  /**
   * Parses a duration in the documented forms.
   *
   * @throws ConfigException naming {@code key} if the text is not a duration
   */
  public static Duration parseDuration(String key, String text) {
    String s = text.strip().toLowerCase(java.util.Locale.ROOT);
    try {
      if (s.startsWith("pt") || s.startsWith("p")) {
        return Duration.parse(s.toUpperCase(java.util.Locale.ROOT));
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).strip()));
      }
      if (s.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).strip()));
      }
      if (s.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1).strip()));
      }
      if (s.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1).strip()));
      }
      return Duration.ofMillis(Long.parseLong(s));
    } catch (RuntimeException e) {
      throw new ConfigException(key, text, "not a duration (use e.g. 250ms, 5s, 2m, 1h or PT5S)");
    }
  }
}
