package dev.bourne.kayak.groups;

import dev.bourne.common.config.ConfigCheck;
import java.time.Duration;

/**
 * How the leader of a gossip-formed group keeps its configuration healthy (autopilot).
 *
 * @param targetVoters how many healthy voters the leader keeps, promoting learners up to it; odd,
 *     or 0 for the group's {@code expect} (default 0); members beyond it stay learners
 * @param minQuorum dead voters are removed only while at least this many voters remain (default 3)
 * @param stabilization how long a learner must stay healthy (alive in gossip, in the cluster) before
 *     it is promoted (default 10 s); the leader also refuses to promote one that has not caught up
 * @param deadAfter how long a member must stay failed or gone from the directory before it is
 *     removed (default 30 s)
 * @param period how often the leader looks (default 500 ms)
 */
public record AutopilotConfig(int targetVoters, int minQuorum, Duration stabilization, Duration deadAfter,
    Duration period) {
  /** @throws dev.bourne.common.config.ConfigException naming the first invalid value */
  public AutopilotConfig {
    ConfigCheck.inRange(targetVoters, 0, 99, "autopilot.target-voters");
    ConfigCheck.require(targetVoters == 0 || targetVoters % 2 == 1, "autopilot.target-voters", targetVoters,
        "must be odd (an even count tolerates no more failures than the odd count below it), or 0 for expect");
    ConfigCheck.inRange(minQuorum, 1, 99, "autopilot.min-quorum");
    ConfigCheck.nonNegative(stabilization, "autopilot.stabilization");
    ConfigCheck.positive(deadAfter, "autopilot.dead-after");
    ConfigCheck.positive(period, "autopilot.period");
  }

  /** The defaults: voters up to expect, min quorum 3, 10 s stabilization, dead after 30 s, every 500 ms. */
  public static AutopilotConfig defaults() {
    return new AutopilotConfig(0, 3, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(500));
  }

  /** A copy with another stabilization time and dead-member threshold. */
  public AutopilotConfig withTimes(Duration stabilizationTime, Duration deadThreshold) {
    return new AutopilotConfig(targetVoters, minQuorum, stabilizationTime, deadThreshold, period);
  }

  /** A copy with another target voter count and minimum quorum. */
  public AutopilotConfig withVoters(int target, int minimumQuorum) {
    return new AutopilotConfig(target, minimumQuorum, stabilization, deadAfter, period);
  }

  /** A copy that looks every {@code value}. */
  public AutopilotConfig withPeriod(Duration value) {
    return new AutopilotConfig(targetVoters, minQuorum, stabilization, deadAfter, value);
  }
}
