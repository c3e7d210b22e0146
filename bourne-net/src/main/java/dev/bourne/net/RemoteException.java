package dev.bourne.net;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import java.util.Objects;

/**
 * The peer's handler failed the request. Carries the code, message and detail the handler raised,
 * so callers branch on {@link #code()} and decode {@link #detail()} as the code's owner documents.
 */
public class RemoteException extends BourneException {
  private static final long serialVersionUID = 1L;
  private final byte[] detail;

  /**
   * @param code the code the remote handler raised
   * @param message the remote message
   * @param detail the remote detail bytes (copied; empty if none)
   */
  public RemoteException(ErrorCode code, String message, byte[] detail) {
    super(code, message);
    this.detail = Objects.requireNonNull(detail, "detail").clone();
  }

  @Override
  public byte[] detail() {
    return detail.clone();
  }
}
