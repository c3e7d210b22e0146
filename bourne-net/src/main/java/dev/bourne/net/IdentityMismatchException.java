package dev.bourne.net;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;

/**
 * A peer claimed an identity its TLS certificate does not name (see {@link
 * TlsConfig#bindingIdentity()}): a member tried to speak as another member, or a certified peer
 * that is not a member asked for what only members may. Never retried; the certificate, or the
 * member id the peer was started with, is wrong. Code {@code IDENTITY_MISMATCH}.
 */
public class IdentityMismatchException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** The code of this error. */
  public static final ErrorCode CODE = new ErrorCode("IDENTITY_MISMATCH");

  /**
   * @param claimed the identity the peer claimed
   * @param from who it came from: its address and its certified identity
   */
  public IdentityMismatchException(String claimed, Inbound from) {
    super(CODE, "the peer at " + from.source() + " claims to be " + claimed + " but its certificate names "
        + from.identity().orElse("nobody"));
  }

  /** @param message what was refused, naming the peer and its certificate */
  public IdentityMismatchException(String message) {
    super(CODE, message);
  }
}
