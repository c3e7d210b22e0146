package dev.bourne.convoy.api;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;

/** A Convoy operation failed for a reason the caller can branch on by {@link #code()}. */
public class ConvoyException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** A store key is reserved for Convoy's own use. */
  public static final ErrorCode RESERVED_KEY = new ErrorCode("RESERVED_KEY");
  /** A key, a value, or a member's total data exceeds its limit. */
  public static final ErrorCode TOO_LARGE = new ErrorCode("TOO_LARGE");
  /** The member named is not known (or no longer active). */
  public static final ErrorCode NO_SUCH_MEMBER = new ErrorCode("NO_SUCH_MEMBER");
  /** Joining failed: no seed answered within the attempts allowed. */
  public static final ErrorCode JOIN_FAILED = new ErrorCode("JOIN_FAILED");
  /** This member was evicted from the group and is closed. */
  public static final ErrorCode EVICTED = new ErrorCode("EVICTED");

  /** @param code the stable code; @param message what happened, naming the key or member */
  public ConvoyException(ErrorCode code, String message) {
    super(code, message);
  }

  /** @param code the stable code; @param message what happened; @param cause the underlying error */
  public ConvoyException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
