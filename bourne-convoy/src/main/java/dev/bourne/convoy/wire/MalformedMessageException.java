package dev.bourne.convoy.wire;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;

/** Bytes from the network that are not a valid Convoy message. Code {@code BAD_REQUEST}. */
public class MalformedMessageException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** @param message what was wrong */
  public MalformedMessageException(String message) {
    super(ErrorCode.BAD_REQUEST, message);
  }

  /** @param message what was wrong; @param cause the parse error */
  public MalformedMessageException(String message, Throwable cause) {
    super(ErrorCode.BAD_REQUEST, message, cause);
  }
}
