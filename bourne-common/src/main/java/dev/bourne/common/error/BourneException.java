package dev.bourne.common.error;

import java.util.Objects;

/**
 * The base of every error Bourne raises on purpose. It carries an {@link ErrorCode} that survives
 * the wire, so a caller on another node sees the same code the handler raised.
 */
public class BourneException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  /** An error with a code and a human-readable message. */
  public BourneException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** An error with a code, a message and the exception that caused it. */
  public BourneException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The stable code of this error. */
  public ErrorCode code() {
    return code;
  }

  /**
   * Structured detail that travels with the code across the wire (for example a leader hint).
   * Empty by default; subclasses that carry detail override this. Never null.
   */
  public byte[] detail() {
    return new byte[0];
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + code + "]: " + getMessage();
  }
}
