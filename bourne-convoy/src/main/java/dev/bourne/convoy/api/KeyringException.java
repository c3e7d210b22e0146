package dev.bourne.convoy.api;

/**
 * A keyring operation did not reach every active member, code {@link
 * ConvoyException#KEYRING_INCOMPLETE}; {@link #report()} says who answered and who did not.
 */
public final class KeyringException extends ConvoyException {
  private static final long serialVersionUID = 1L;
  private final transient KeyringReport report;

  /** @param report the members that answered, failed, and were not asked */
  public KeyringException(KeyringReport report) {
    super(KEYRING_INCOMPLETE, report.operation() + ": not done on every active member: " + report.failures());
    this.report = report;
  }

  /** Who answered, who failed and why, who was not asked. */
  public KeyringReport report() {
    return report;
  }
}
