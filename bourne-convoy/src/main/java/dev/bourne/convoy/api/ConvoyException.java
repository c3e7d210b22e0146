package dev.bourne.convoy.api;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;

/** A Convoy operation failed for a reason the caller can branch on by {@link #code()}. */
public class ConvoyException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** A store key is reserved for Convoy's own use. */
  public static final ErrorCode RESERVED_KEY = new ErrorCode("RESERVED_KEY");
  /** A key, a value, or a member's total data exceeds its limit. */
  public static final ErrorCode TOO_LARGE = new ErrorCode("TOO_LARGE");
  /** The member named is not known (or no longer active). */
  public static final ErrorCode NO_SUCH_MEMBER = new ErrorCode("NO_SUCH_MEMBER");
  /** Joining failed: no seed answered within the attempts allowed. */
  public static final ErrorCode JOIN_FAILED = new ErrorCode("JOIN_FAILED");
  /** This member was evicted from the group and is closed. */
  public static final ErrorCode EVICTED = new ErrorCode("EVICTED");
  /** A message named another cluster than the receiver's ({@link GossipSecurity#clusterName()}). */
  public static final ErrorCode FOREIGN_CLUSTER = new ErrorCode("FOREIGN_CLUSTER");
  /**
   * A message could not be authenticated: no key of the receiver's keyring opens it (another key,
   * or altered in transit), or it came in plaintext where encryption is required.
   */
  public static final ErrorCode UNAUTHENTICATED = new ErrorCode("UNAUTHENTICATED");
  /** A keyring change named a key the member does not hold. */
  public static final ErrorCode NO_SUCH_KEY = new ErrorCode("NO_SUCH_KEY");
  /** A keyring change would remove the primary key, the one in use. */
  public static final ErrorCode KEY_IN_USE = new ErrorCode("KEY_IN_USE");
  /** A keyring operation needs encryption on ({@link GossipEncryption#OFF} has no keyring). */
  public static final ErrorCode ENCRYPTION_OFF = new ErrorCode("ENCRYPTION_OFF");
  /** A keyring operation did not reach every active member; {@link KeyringException#report()} says which. */
  public static final ErrorCode KEYRING_INCOMPLETE = new ErrorCode("KEYRING_INCOMPLETE");
  /**
   * A switch of the primary or a removal was refused, and made nowhere, because every member
   * answered and at least one would have been cut off by it (it lacks the key, or the key is its
   * primary); {@link KeyringException#report()} says which.
   */
  public static final ErrorCode KEYRING_REFUSED = new ErrorCode("KEYRING_REFUSED");

  /** @param code the stable code; @param message what happened, naming the key or member */
  public ConvoyException(ErrorCode code, String message) {
    super(code, message);
  }

  /** @param code the stable code; @param message what happened; @param cause the underlying error */
  public ConvoyException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
