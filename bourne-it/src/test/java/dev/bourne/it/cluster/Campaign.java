package dev.bourne.it.cluster;

/**
 * The knobs every fault test reads, so that one command runs a longer campaign or replays one:
 * {@code -Dbourne.it.minutes=M} (each scenario's faults last M minutes instead of its default) and
 * {@code -Dbourne.it.seed=S} (the seed of the nemesis's schedule and the clients' choices).
 */
public final class Campaign {
  private Campaign() {}

  /** The seed to use: {@code bourne.it.seed} if given, else a new one (the test prints it). */
  public static long seed() {
    return Long.getLong("bourne.it.seed", System.nanoTime());
  }

  /**
   * How long the faults last, in seconds: {@code bourne.it.minutes} if given (at least 10 s), else
   * {@code defaultSeconds}.
   *
   * @throws IllegalArgumentException if {@code bourne.it.minutes} is not a positive number
   */
  public static long seconds(long defaultSeconds) {
    String minutes = System.getProperty("bourne.it.minutes");
    if (minutes == null || minutes.isBlank()) {
      return defaultSeconds;
    }
    double m;
    try {
      m = Double.parseDouble(minutes.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bourne.it.minutes must be a number of minutes, got '" + minutes + "'");
    }
    if (!(m > 0) || m > 24 * 60) {
      throw new IllegalArgumentException("bourne.it.minutes must be above 0 and at most a day, got " + minutes);
    }
    return Math.max(10, Math.round(m * 60));
  }
}
