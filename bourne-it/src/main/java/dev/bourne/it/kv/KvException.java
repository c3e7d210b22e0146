package dev.bourne.it.kv;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import java.util.OptionalLong;

/**
 * An error of the key/value service, with a stable code that the HTTP API returns as is.
 */
public final class KvException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** The key does not exist. */
  public static final ErrorCode KEY_NOT_FOUND = new ErrorCode("KEY_NOT_FOUND");
  /** A compare-and-set found another version; {@link #currentVersion()} tells which. */
  public static final ErrorCode VERSION_CONFLICT = new ErrorCode("VERSION_CONFLICT");
  /** A retried request is older than what its client's session remembers; it was not applied again. */
  public static final ErrorCode REQUEST_EXPIRED = new ErrorCode("REQUEST_EXPIRED");
  /** A request id was used again for a different write; the first one's outcome stands. */
  public static final ErrorCode REQUEST_ID_REUSED = new ErrorCode("REQUEST_ID_REUSED");
  /** The node has not joined its groups yet (or is stopping); retry, here or elsewhere. */
  public static final ErrorCode NOT_READY = new ErrorCode("NOT_READY");
  /** The write committed, but this node learned it from a snapshot and cannot tell its outcome. */
  public static final ErrorCode OUTCOME_UNKNOWN = new ErrorCode("OUTCOME_UNKNOWN");

  private final OptionalLong currentVersion;

  /** An error without a version. */
  public KvException(ErrorCode code, String message) {
    super(code, message);
    this.currentVersion = OptionalLong.empty();
  }

  private KvException(ErrorCode code, String message, long current) {
    super(code, message);
    this.currentVersion = OptionalLong.of(current);
  }

  /** A version conflict: the key is at {@code current} (0 if absent). */
  public static KvException conflict(String key, long expected, long current) {
    return new KvException(VERSION_CONFLICT, "key '" + key + "' is at version " + current + ", not " + expected, current);
  }

  /** For a {@link #VERSION_CONFLICT}: the key's version (0 if absent). */
  public OptionalLong currentVersion() {
    return currentVersion;
  }
}
