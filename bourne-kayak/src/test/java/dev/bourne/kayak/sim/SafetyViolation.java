package dev.bourne.kayak.sim;

/** A Raft safety property was broken: a bug. The message names the property and the evidence. */
public final class SafetyViolation extends AssertionError {
  private static final long serialVersionUID = 1L;

  /** @param message the property and what broke it */
  public SafetyViolation(String message) {
    super(message);
  }
}
