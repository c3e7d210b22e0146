package dev.bourne.kayak.sim;

import dev.bourne.common.config.ConfigCheck;
import dev.bourne.kayak.core.RaftConfig;
import java.time.Duration;

/**
 * What a {@link Simulation} run does.
 *
 * @param voters initial voters (1 to 7); the cluster is grown to this size from one member
 * @param chaos how long faults are injected (virtual time)
 * @param quiet how long the healed cluster runs afterwards before liveness is checked
 * @param crashes whether members crash and restart (losing un-synced writes)
 * @param membership whether members join and leave (the leader included) during the chaos
 * @param raft the core's configuration
 * @param tick the length of one core tick
 */
public record SimOptions(int voters, Duration chaos, Duration quiet, boolean crashes, boolean membership,
    RaftConfig raft, Duration tick) {

  /** @throws dev.bourne.common.config.ConfigException if a value is out of range */
  public SimOptions {
    ConfigCheck.inRange(voters, 1, 7, "sim.voters");
    ConfigCheck.nonNegative(chaos, "sim.chaos");
    ConfigCheck.positive(quiet, "sim.quiet");
    ConfigCheck.notNull(raft, "sim.raft");
    ConfigCheck.positive(tick, "sim.tick");
  }

  /** {@code voters} members, 2 s of chaos with crashes and membership changes, 2 s of quiet. */
  public static SimOptions chaos(int voters) {
    return new SimOptions(voters, Duration.ofSeconds(2), Duration.ofSeconds(2), true, true,
        RaftConfig.defaults().withTicks(10, 2).withBudgets(8, 4, 4096), Duration.ofMillis(10));
  }

  /** A copy with other durations. */
  public SimOptions withDurations(Duration chaos, Duration quiet) {
    return new SimOptions(voters, chaos, quiet, crashes, membership, raft, tick);
  }

  /** A copy with crashes and membership changes switched. */
  public SimOptions withFaults(boolean crashes, boolean membership) {
    return new SimOptions(voters, chaos, quiet, crashes, membership, raft, tick);
  }
}
