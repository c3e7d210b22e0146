package dev.bourne.common.config;

/**
 * A configuration value is missing or invalid. The message names the key and quotes the value, so
 * the operator can find and fix it. Thrown when a config is built, never later.
 */
public class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String key;

  /**
   * @param key the configuration key, e.g. {@code convoy.probe-interval}
   * @param value the offending value as given (may be null)
   * @param reason what is wrong with it
   */
  public ConfigException(String key, Object value, String reason) {
    super(key + "=" + value + ": " + reason);
    this.key = key;
  }

  /** The offending key. */
  public String key() {
    return key;
  }
}
