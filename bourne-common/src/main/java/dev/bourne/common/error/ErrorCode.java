package dev.bourne.common.error;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stable, machine-readable error code such as {@code NOT_LEADER}. Codes cross the wire as their
 * name, so callers branch on the code and never on message text. Each module declares the codes it
 * raises as constants; the ones shared by all modules are declared here.
 *
 * @param name upper-case letters, digits and underscores, starting with a letter
 */
public record ErrorCode(String name) {
  private static final Pattern VALID = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

  /** The component was closed (or shut down) before or while the operation ran. */
  public static final ErrorCode CLOSED = new ErrorCode("CLOSED");
  /** The operation did not complete before its deadline; it may still take effect. */
  public static final ErrorCode TIMEOUT = new ErrorCode("TIMEOUT");
  /** The peer could not be reached (connection refused, reset, or never established). */
  public static final ErrorCode UNREACHABLE = new ErrorCode("UNREACHABLE");
  /** The request was malformed or violated a documented limit. */
  public static final ErrorCode BAD_REQUEST = new ErrorCode("BAD_REQUEST");
  /** The peer has no handler for the requested method. */
  public static final ErrorCode UNKNOWN_METHOD = new ErrorCode("UNKNOWN_METHOD");
  /** The handler failed unexpectedly; the message says how, but this is a bug somewhere. */
  public static final ErrorCode INTERNAL = new ErrorCode("INTERNAL");

  /** @throws IllegalArgumentException if the name is not of the documented form */
  public ErrorCode {
    Objects.requireNonNull(name, "name");
    if (!VALID.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid error code '" + name + "'");
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
