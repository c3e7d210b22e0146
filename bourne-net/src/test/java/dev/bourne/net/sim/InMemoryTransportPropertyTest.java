package dev.bourne.net.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bourne.common.error.TimedOutException;
import dev.bourne.common.net.HostPort;
import dev.bourne.net.RemoteException;
import dev.bourne.net.UnreachableException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Random faults, partitions and restarts over many seeds: every call completes exactly once, with
 * the right reply or a typed failure, nothing stays pending, and the same seed gives the same
 * trace. {@code -Dbourne.sim.seeds=N} runs more seeds; a failure names its seed.
 */
class InMemoryTransportPropertyTest {
  private static final int SEEDS = Integer.getInteger("bourne.sim.seeds", 40);

  @Test
  void everyCallCompletesOnceWithTheRightOutcome() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      try {
        List<String> first = run(seed);
        assertEquals(first, run(seed), "same seed, same trace");
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed + " failed (rerun it alone to debug): " + e.getMessage(), e);
      }
    }
  }

  private static List<String> run(long seed) {
    Random rnd = new Random(seed);
    InMemoryNetwork net = new InMemoryNetwork(seed);
    List<HostPort> addrs = new ArrayList<>();
    List<InMemoryTransport> nodes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      HostPort a = new HostPort("10.0.0." + (i + 1), 7000);
      addrs.add(a);
      nodes.add(start(net, a));
    }
    net.network().setFaults(new Faults(rnd.nextDouble() * 0.3, Duration.ofMillis(1), Duration.ofMillis(1 + rnd.nextInt(40)), rnd.nextDouble() * 0.2, rnd.nextDouble() * 0.2));
    List<String> trace = new ArrayList<>();
    int[] completions = new int[300];
    for (int i = 0; i < completions.length; i++) {
      final int call = i;
      int from = rnd.nextInt(4);
      int to = rnd.nextInt(4);
      long value = rnd.nextLong();
      InMemoryTransport caller = nodes.get(from);
      CompletableFuture<byte[]> f = caller.isClosed()
          ? CompletableFuture.failedFuture(new IllegalStateException("caller down"))
          : caller.call(addrs.get(to), rnd.nextInt(10) == 0 ? "fail" : "neg", ByteBuffer.allocate(8).putLong(value).array(), Duration.ofMillis(100));
      f.whenComplete((r, e) -> {
        completions[call]++;
        String outcome;
        if (e == null) {
          assertEquals(-value, ByteBuffer.wrap(r).getLong(), "reply to call " + call);
          outcome = "ok";
        } else {
          Throwable t = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
          if (!(t instanceof TimedOutException || t instanceof UnreachableException || t instanceof RemoteException
              || t instanceof dev.bourne.common.error.ClosedException || t instanceof IllegalStateException)) {
            throw new AssertionError("unexpected failure of call " + call, t);
          }
          outcome = t.getClass().getSimpleName();
        }
        trace.add(net.clock().nanoTime() + " " + call + " " + outcome);
      });
      switch (rnd.nextInt(40)) {
        case 0 -> net.network().partition(Set.of(addrs.get(rnd.nextInt(4))), Set.copyOf(addrs));
        case 1 -> net.network().heal();
        case 2 -> {
          int victim = rnd.nextInt(4);
          if (!nodes.get(victim).isClosed()) {
            nodes.get(victim).close();
          } else {
            nodes.set(victim, start(net, addrs.get(victim)));
          }
        }
        default -> { }
      }
      net.clock().advance(Duration.ofMillis(rnd.nextInt(5)));
    }
    net.clock().advance(Duration.ofSeconds(5));
    for (int i = 0; i < completions.length; i++) {
      assertEquals(1, completions[i], "call " + i + " completed " + completions[i] + " times");
    }
    for (InMemoryTransport t : nodes) {
      assertEquals(0, t.inFlightCalls(), "pending calls left on " + t);
    }
    return trace;
  }

  private static InMemoryTransport start(InMemoryNetwork net, HostPort a) {
    InMemoryTransport t = net.transport(a);
    t.handle("neg", (from, p) -> CompletableFuture.completedFuture(ByteBuffer.allocate(8).putLong(-ByteBuffer.wrap(p).getLong()).array()));
    t.handle("fail", (from, p) -> CompletableFuture.failedFuture(new RemoteException(new dev.bourne.common.error.ErrorCode("NOPE"), "no", new byte[0])));
    return t;
  }
}
