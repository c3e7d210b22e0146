package dev.bourne.kayak.api;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.net.RemoteException;
import java.util.Optional;

/**
 * A configuration change that cannot apply now: promoting a member that is not a learner, or a
 * learner that has not caught up; removing the last voter. Retrying helps only once the
 * configuration changed, or (for a learner behind) once it caught up. Code {@code
 * INVALID_CHANGE}, kept when the leader's refusal crosses the wire.
 */
public class InvalidChangeException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** The code of this error. */
  public static final ErrorCode CODE = new ErrorCode("INVALID_CHANGE");

  /** @param message what was asked and why it cannot apply */
  public InvalidChangeException(String message) {
    super(CODE, message);
  }

  /** The typed form of a leader's refusal with this code, if {@code e} is one. */
  public static Optional<InvalidChangeException> from(Throwable e) {
    if (e instanceof InvalidChangeException i) {
      return Optional.of(i);
    }
    if (e instanceof RemoteException re && re.code().equals(CODE)) {
      return Optional.of(new InvalidChangeException(re.getMessage()));
    }
    return Optional.empty();
  }
}
