package dev.bourne.kayak.api;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;

/**
 * No leader is known right now (an election is under way or a quorum is unreachable). Retrying
 * later may succeed. Code {@code NO_LEADER}.
 */
public class NoLeaderException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** The code of this error. */
  public static final ErrorCode CODE = new ErrorCode("NO_LEADER");

  /** @param message what could not be done */
  public NoLeaderException(String message) {
    super(CODE, message);
  }
}
