package dev.bourne.common.retry;

import dev.bourne.common.time.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Exponential backoff with jitter: attempt {@code n} (from 0) waits a random time in
 * {@code [d/2, d]} where {@code d = min(max, initial * multiplier^n)}. The jitter comes from a
 * caller-supplied {@link Random}, so a seeded simulation retries at reproducible times.
 *
 * <p>Immutable and thread-safe as long as the {@code Random} passed to {@link #delay} is used by
 * one thread.
 *
 * @param initial the base delay of the first retry
 * @param max the cap on any one delay
 * @param multiplier growth per attempt, at least 1
 */
public record Backoff(Duration initial, Duration max, double multiplier) {
  /** @throws IllegalArgumentException if a delay is not positive, max < initial, or multiplier < 1 */
  public Backoff {
    Durations.requirePositive(initial, "initial");
    Durations.requirePositive(max, "max");
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max (" + max + ") must be >= initial (" + initial + ")");
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be a finite number >= 1, got " + multiplier);
    }
  }

  /** 100 ms doubling up to 10 s. */
  public static Backoff defaults() {
    return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0);
  }

  /** The un-jittered ceiling for {@code attempt} (0-based). */
  public Duration ceiling(int attempt) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
    }
    double nanos = initial.toNanos() * Math.pow(multiplier, attempt);
    long capped = nanos >= max.toNanos() ? max.toNanos() : (long) nanos;
    return Duration.ofNanos(capped);
  }

  /** The jittered delay before retry {@code attempt} (0-based): uniform in [ceiling/2, ceiling]. */
  public Duration delay(int attempt, Random random) {
    Objects.requireNonNull(random, "random");
    long c = ceiling(attempt).toNanos();
    long half = c / 2;
    return Duration.ofNanos(half + (long) (random.nextDouble() * (c - half)));
  }
}
