package dev.bourne.kayak.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Seeded runs of Convoy, group formation, autopilot and Kayak together on the virtual clock
 * ({@link GroupSimulation}). {@code -Dbourne.groups.seeds=N} runs N seeds per scenario; a failure
 * names its seed, and {@code -Dbourne.groups.seed=S} replays one.
 */
class GroupSimulationTest {
  private static void runMany(GroupSimulation.Scenario scenario, long base, int byDefault) {
    Long only = Long.getLong("bourne.groups.seed");
    int n = only != null ? 1 : Integer.getInteger("bourne.groups.seeds", byDefault);
    long started = System.nanoTime();
    int formed = 0;
    int crashes = 0;
    int acked = 0;
    int removals = 0;
    int promotions = 0;
    for (int i = 0; i < n; i++) {
      GroupSimulation.Result r = GroupSimulation.run(only != null ? only : base + i, scenario);
      formed += r.bootstraps();
      crashes += r.crashes();
      acked += r.acknowledged();
      removals += r.removals();
      promotions += r.promotions();
    }
    System.out.printf("groups %s: %d seeds in %d ms: %d groups formed, %d crashes, %d appends acknowledged, "
        + "%d promotions, %d removals by autopilot%n", scenario, n, (System.nanoTime() - started) / 1_000_000, formed,
        crashes, acked, promotions, removals);
    if (scenario != GroupSimulation.Scenario.EXPECT_MISMATCH) {
      assertEquals(n, formed, "every run forms exactly one group");
      assertTrue(acked > 0, "no append was acknowledged");
    }
    boolean chaotic = scenario == GroupSimulation.Scenario.CHAOS || scenario == GroupSimulation.Scenario.PLACEMENT;
    if (chaotic && n >= 20) {
      assertTrue(crashes > 0 && promotions > 0, "the runs crashed nothing or promoted nobody");
    }
    if (scenario == GroupSimulation.Scenario.FULL_MOVE) {
      assertTrue(promotions >= 3 * n && removals >= 3 * n, "the placement did not move: " + promotions
          + " promotions, " + removals + " removals in " + n + " runs");
    }
  }

  @Test
  void formationAndAutopilotUnderChaos() {
    runMany(GroupSimulation.Scenario.CHAOS, 10_000, 300);
  }

  @Test
  void anExpectMismatchStopsFormationOnEveryMember() {
    runMany(GroupSimulation.Scenario.EXPECT_MISMATCH, 20_000, 50);
  }

  @Test
  void aSurvivorIsNeverBootstrappedOver() {
    runMany(GroupSimulation.Scenario.SURVIVOR, 30_000, 50);
  }

  @Test
  void aPlacedGroupMovesWithTheMembersAndLosesNothing() {
    runMany(GroupSimulation.Scenario.PLACEMENT, 40_000, 100);
  }

  @Test
  void theWholePlacementMovesWithoutLosingTheQuorum() {
    runMany(GroupSimulation.Scenario.FULL_MOVE, 50_000, 20);
  }

  @Test
  void aSeedReplaysTheSameRun() {
    GroupSimulation.Result a = GroupSimulation.run(10_003, GroupSimulation.Scenario.CHAOS);
    GroupSimulation.Result b = GroupSimulation.run(10_003, GroupSimulation.Scenario.CHAOS);
    assertEquals(a, b);
  }
}
