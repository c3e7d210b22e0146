package dev.bourne.net;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;

/** The peer could not be connected to, or the connection broke. Code {@link ErrorCode#UNREACHABLE}. */
public class UnreachableException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** @param message which peer and why */
  public UnreachableException(String message) {
    super(ErrorCode.UNREACHABLE, message);
  }

  /** @param message which peer and why; @param cause the I/O error */
  public UnreachableException(String message, Throwable cause) {
    super(ErrorCode.UNREACHABLE, message, cause);
  }
}
