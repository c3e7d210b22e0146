package dev.bourne.kayak.groups;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;

/**
 * A group cannot form until an operator acts: its members expect different sizes, or its members
 * belong to two clusters. The message names the members on each side. Code {@code FORMATION}.
 */
public class FormationException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** The code of this error. */
  public static final ErrorCode CODE = new ErrorCode("FORMATION");

  /** @param message what is wrong, naming the members */
  public FormationException(String message) {
    super(CODE, message);
  }
}
