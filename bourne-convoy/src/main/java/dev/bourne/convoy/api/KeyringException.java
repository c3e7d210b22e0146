package dev.bourne.convoy.api;

/**
 * A keyring operation did not reach every active member, code {@link
 * ConvoyException#KEYRING_INCOMPLETE}, or was refused before any change because it would cut a
 * member off, code {@link ConvoyException#KEYRING_REFUSED}; {@link #report()} says who answered,
 * who did not, and why.
 */
public final class KeyringException extends ConvoyException {
  private static final long serialVersionUID = 1L;
  private final transient KeyringReport report;

  /** @param report the members that answered, failed, and were not asked */
  public KeyringException(KeyringReport report) {
    super(KEYRING_INCOMPLETE, report.operation() + ": not done on every active member: " + report.failures());
    this.report = report;
  }

  /**
   * A refusal: every member answered, and the change would cut off the members {@code report}
   * lists as failures, so it was made nowhere.
   */
  public static KeyringException refused(KeyringReport report) {
    return new KeyringException(report, KEYRING_REFUSED);
  }

  private KeyringException(KeyringReport report, dev.bourne.common.error.ErrorCode code) {
    super(code, report.operation() + ": " + report.failures());
    this.report = report;
  }

  /** Who answered, who failed and why, who was not asked. */
  public KeyringReport report() {
    return report;
  }
}
