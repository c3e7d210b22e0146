package dev.bourne.convoy.core;

/**
 * Lifeguard local health awareness: a score that rises when this member misses the acks and nacks
 * it expected (a sign that it, not its peers, is slow or cut off) and falls with each clean probe.
 * Probe interval and timeout are stretched by {@code 1 + score}, so a struggling member accuses
 * others less eagerly.
 *
 * <p>Not thread-safe; owned by the core.
 */
final class LocalHealth {
  private final int max;
  private int score;

  LocalHealth(int max) {
    this.max = max;
  }

  /** Moves the score by {@code delta}, clamped to 0..max. */
  void adjust(int delta) {
    score = Math.max(0, Math.min(max, score + delta));
  }

  int score() {
    return score;
  }

  /** {@code nanos} stretched by the current score. */
  long scale(long nanos) {
    return nanos * (score + 1L);
  }
}
