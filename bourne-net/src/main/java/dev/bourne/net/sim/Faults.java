package dev.bourne.net.sim;

import dev.bourne.common.time.Durations;
import java.time.Duration;
import java.util.Random;

/**
 * The faults a {@link SimNetwork} applies to each message.
 *
 * @param dropRate probability in [0, 1] that a message is lost
 * @param minDelay the least delivery delay
 * @param maxDelay the greatest delivery delay (uniform between min and max); unequal delays reorder
 * @param duplicateRate probability in [0, 1] that a message is delivered twice
 * @param reorderRate probability in [0, 1] that a message is held back past later ones (an extra
 *     {@code maxDelay})
 */
public record Faults(
    double dropRate, Duration minDelay, Duration maxDelay, double duplicateRate, double reorderRate) {

  /** Instant, reliable, ordered delivery. */
  public static final Faults NONE = new Faults(0, Duration.ZERO, Duration.ZERO, 0, 0);

  /** @throws IllegalArgumentException if a rate is outside [0, 1] or the delays are inconsistent */
  public Faults {
    rate(dropRate, "dropRate");
    rate(duplicateRate, "duplicateRate");
    rate(reorderRate, "reorderRate");
    Durations.requireNonNegative(minDelay, "minDelay");
    Durations.requireNonNegative(maxDelay, "maxDelay");
    if (maxDelay.compareTo(minDelay) < 0) {
      throw new IllegalArgumentException("maxDelay " + maxDelay + " < minDelay " + minDelay);
    }
  }

  /** Reliable delivery with a uniform delay in [min, max]. */
  public static Faults delay(Duration min, Duration max) {
    return new Faults(0, min, max, 0, 0);
  }

  /** A copy with another drop rate. */
  public Faults withDropRate(double p) {
    return new Faults(p, minDelay, maxDelay, duplicateRate, reorderRate);
  }

  /** A copy with another duplication rate. */
  public Faults withDuplicateRate(double p) {
    return new Faults(dropRate, minDelay, maxDelay, p, reorderRate);
  }

  /** A copy with another reorder rate. */
  public Faults withReorderRate(double p) {
    return new Faults(dropRate, minDelay, maxDelay, duplicateRate, p);
  }

  Duration pickDelay(Random random) {
    long span = maxDelay.toNanos() - minDelay.toNanos();
    return span == 0 ? minDelay : minDelay.plusNanos((long) (random.nextDouble() * span));
  }

  private static void rate(double p, String name) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + p);
    }
  }
}
