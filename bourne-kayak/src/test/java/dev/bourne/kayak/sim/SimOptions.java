package dev.bourne.kayak.sim;

import dev.bourne.common.config.ConfigCheck;
import dev.bourne.kayak.api.KayakConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a {@link Simulation} run does.
 *
 * @param voters initial voters (1 to 7); the cluster is grown to this size from one member
 * @param chaos how long faults are injected (virtual time)
 * @param quiet how long the healed cluster runs afterwards before liveness is checked
 * @param crashes whether members crash and restart (losing un-synced writes)
 * @param membership whether members join and leave (the leader included) during the chaos
 * @param kayak the configuration every host is given (its data directory is not used)
 */
public record SimOptions(int voters, Duration chaos, Duration quiet, boolean crashes, boolean membership,
    KayakConfig kayak) {

  /** @throws dev.bourne.common.config.ConfigException if a value is out of range */
  public SimOptions {
    ConfigCheck.inRange(voters, 1, 7, "sim.voters");
    ConfigCheck.nonNegative(chaos, "sim.chaos");
    ConfigCheck.positive(quiet, "sim.quiet");
    ConfigCheck.notNull(kayak, "sim.kayak");
  }

  /**
   * {@code voters} members, 2 s of chaos with crashes and membership changes, 2.5 s of quiet; a
   * 10 ms tick, elections after 100-200 ms, small replication budgets (8 messages in flight of 4
   * entries) so that pipelining limits and backtracking are exercised.
   */
  public static SimOptions chaos(int voters) {
    return new SimOptions(voters, Duration.ofSeconds(2), Duration.ofMillis(2500), true, true,
        config().maxInflightMessages(8).maxEntriesPerMessage(4).maxBytesPerMessage(4096).build());
  }

  /**
   * The simulator's base host configuration: short ticks and timeouts, defaults otherwise. Joins may
   * take longer than a run: with 4 entries per message under loss a learner catches up slowly, and
   * a join that timed out would take its host down (the join timeout itself is tested on loopback).
   */
  public static KayakConfig.Builder config() {
    return KayakConfig.builder(Path.of("simulated")).tick(Duration.ofMillis(10)).ticks(10, 2).maxEntryBytes(1024)
        .requestTimeout(Duration.ofMillis(200)).appendTimeout(Duration.ofMillis(1500))
        .joinTimeout(Duration.ofSeconds(10)).snapshotRetainEntries(16).snapshotChunkBytes(512);
  }

  /** A copy with another host configuration. */
  public SimOptions withKayak(KayakConfig kayak) {
    return new SimOptions(voters, chaos, quiet, crashes, membership, kayak);
  }

  /** A copy with crashes and membership changes switched. */
  public SimOptions withFaults(boolean crashes, boolean membership) {
    return new SimOptions(voters, chaos, quiet, crashes, membership, kayak);
  }
}
