package dev.bourne.common.error;

/** The component was closed before or while the operation ran. Code {@link ErrorCode#CLOSED}. */
public class ClosedException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** @param message what was closed, e.g. {@code "transport closed"} */
  public ClosedException(String message) {
    super(ErrorCode.CLOSED, message);
  }
}
