package dev.bourne.convoy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.sim.SimCluster.Node;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** What running the shipped host on simulated parts guarantees: one thread, virtual time only. */
class SimulatedHostTest {
  @Test
  void hostsAndTheirListenersRunOnTheSimulationThreadAndStartNoThread() {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    Set<Thread> ranOn = new HashSet<>();
    SimCluster c = new SimCluster(21, MembershipPropertiesTest.CONFIG);
    c.onEvent(e -> ranOn.add(Thread.currentThread()));
    Node seed = c.add();
    for (int i = 0; i < 4; i++) {
      c.addAndJoin(seed);
    }
    assertTrue(c.runUntil(c::converged, Duration.ofSeconds(10), Duration.ofMillis(20)));
    c.await(c.nodes().get(2).host().store().putAsync("k", "v", 0).thenApply(r -> ranOn.add(Thread.currentThread())));
    c.crash(c.nodes().get(3));
    c.advance(Duration.ofSeconds(10));
    assertEquals(Set.of(Thread.currentThread()), ranOn, "listener or callback ran off the simulation thread");
    Set<String> started = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(t) && t.getName().startsWith("convoy")) {
        started.add(t.getName());
      }
    }
    assertEquals(Set.of(), started, "a simulated host started threads");
  }

  @Test
  void aJoinThatFindsNoSeedBacksOffOnTheVirtualClockThenFailsNamingTheSeed() {
    SimCluster c = new SimCluster(22, MembershipPropertiesTest.CONFIG);
    Node gone = c.add();
    HostPort deadAddress = gone.address();
    c.crash(gone);
    Node x = c.add();
    long start = c.now();
    CompletableFuture<Void> join = x.host().joinAsync(List.of(deadAddress));
    CompletionException e = assertThrows(CompletionException.class, () -> c.await(join, Duration.ofMinutes(1)));
    ConvoyException failed = (ConvoyException) e.getCause();
    assertEquals(ConvoyException.JOIN_FAILED, failed.code());
    assertTrue(failed.getMessage().contains(deadAddress + " (round 5)"), failed.getMessage());
    // Four backoffs of at least half their 200, 400, 800, 1600 ms ceilings passed, in virtual time.
    assertTrue(c.now() - start >= Duration.ofMillis(1500).toNanos(), "no backoff between rounds");
    assertTrue(x.isUp(), "a failed join leaves the member running");
  }
}
