package dev.bourne.it.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may call what on the HTTP API. Reads ({@code GET} of keys, members, groups, status, logs,
 * metrics) are open. With a token, writes and admin calls need {@code Authorization: Bearer
 * <token>}; without one, writes are open and admin calls are allowed only when {@code
 * adminWithoutToken} (the node does not encrypt its gossip).
 *
 * @param token the bearer token, if any
 * @param adminWithoutToken true to allow admin calls when no token is set
 */
public record HttpAccess(Optional<String> token, boolean adminWithoutToken) {
  /** Everything open: no token, admin calls allowed. */
  public static final HttpAccess OPEN = new HttpAccess(Optional.empty(), true);

  /** Checks for nulls. */
  public HttpAccess {
    Objects.requireNonNull(token, "token");
  }

  /** What a request is, for the check. */
  enum Kind { READ, WRITE, ADMIN }

  /** Null if allowed, else the error code ({@code UNAUTHENTICATED} or {@code FORBIDDEN}) and why. */
  String[] refusal(Kind kind, String authorization) {
    if (kind == Kind.READ) {
      return null;
    }
    if (token.isPresent()) {
      String expected = "Bearer " + token.get();
      boolean ok = authorization != null && MessageDigest.isEqual(
          authorization.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
      return ok ? null : new String[] {"UNAUTHENTICATED",
          "this call needs the node's token: send 'Authorization: Bearer <token>'"};
    }
    if (kind == Kind.ADMIN && !adminWithoutToken) {
      return new String[] {"FORBIDDEN",
          "admin calls are refused on a node with gossip encryption and no http-token: set http-token"};
    }
    return null;
  }

  /** Hides the token. */
  @Override
  public String toString() {
    return "HttpAccess[token=" + (token.isPresent() ? "(set)" : "(none)") + ", adminWithoutToken=" + adminWithoutToken + "]";
  }
}
