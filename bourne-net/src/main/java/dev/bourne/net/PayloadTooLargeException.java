package dev.bourne.net;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;

/** A payload exceeds the frame or datagram limit. Code {@code TOO_LARGE}. */
public class PayloadTooLargeException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** The code of this error. */
  public static final ErrorCode TOO_LARGE = new ErrorCode("TOO_LARGE");

  /**
   * @param size the payload size in bytes
   * @param limit the limit in bytes
   * @param what what was too large, e.g. {@code "datagram"}
   */
  public PayloadTooLargeException(String what, int size, int limit) {
    super(TOO_LARGE, what + " of " + size + " bytes exceeds the limit of " + limit + " bytes");
  }
}
