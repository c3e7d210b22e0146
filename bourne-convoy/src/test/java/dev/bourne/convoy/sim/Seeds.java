package dev.bourne.convoy.sim;

import java.util.function.LongConsumer;

/** Runs a property over many seeds; {@code -Dbourne.sim.seeds=N} runs N; a failure names its seed. */
final class Seeds {
  private Seeds() {}

  static int count(int defaultCount) {
    return Integer.getInteger("bourne.sim.seeds", defaultCount);
  }

  static void forEach(int defaultCount, LongConsumer property) {
    long base = Long.getLong("bourne.sim.baseSeed", 0x5EED0000L);
    int n = count(defaultCount);
    for (int i = 0; i < n; i++) {
      long seed = base + i;
      try {
        property.accept(seed);
      } catch (AssertionError | RuntimeException e) {
        AssertionError wrapped = new AssertionError("failed with seed " + seed
            + " (rerun: -Dbourne.sim.baseSeed=" + seed + " -Dbourne.sim.seeds=1): " + e.getMessage(), e);
        System.err.println(wrapped.getMessage());
        throw wrapped;
      }
    }
  }
}
