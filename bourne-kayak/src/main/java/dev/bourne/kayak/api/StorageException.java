package dev.bourne.kayak.api;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;

/**
 * Storage failed: an I/O error, or corruption found on start-up. Code {@code STORAGE}. A member
 * whose storage failed stops rather than risk acting on state it cannot trust.
 */
public class StorageException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** The code of this error. */
  public static final ErrorCode STORAGE = new ErrorCode("STORAGE");

  /** @param message what failed, naming the file */
  public StorageException(String message) {
    super(STORAGE, message);
  }

  /** @param message what failed, naming the file; @param cause the I/O error */
  public StorageException(String message, Throwable cause) {
    super(STORAGE, message, cause);
  }
}
