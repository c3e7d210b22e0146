package dev.bourne.common.error;

/**
 * The operation did not finish before its deadline. It may still take effect later: callers that
 * retry must be idempotent. Code {@link ErrorCode#TIMEOUT}.
 */
public class TimedOutException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** @param message what timed out and after how long */
  public TimedOutException(String message) {
    super(ErrorCode.TIMEOUT, message);
  }
}
