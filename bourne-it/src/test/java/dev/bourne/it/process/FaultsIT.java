package dev.bourne.it.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bourne.it.check.Linearizability;
import dev.bourne.it.check.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Three node processes on loopback under a seeded nemesis (SIGKILL and restart, SIGSTOP pauses of a
 * node, the leader's included) while clients on every node read, write and compare-and-set a few
 * keys; every operation is recorded with its invocation, completion and outcome (a timeout or a
 * server error on a write is unknown: it may have happened), and after healing every node reads
 * every key. The whole history must be linearizable per key, which also proves no acknowledged
 * write was lost.
 *
 * <p>Faults here are those a loopback cluster allows (processes killed and frozen); partitions need
 * the container harness. {@code -Dbourne.it.seconds=N} runs longer (default 45),
 * {@code -Dbourne.it.seed=S} replays a nemesis schedule.
 */
class FaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int KEYS = 4;
  private static final int CLIENTS_PER_NODE = 2;

  @Test
  void historiesUnderKillsAndPausesAreLinearizable() throws Exception {
    long seed = Long.getLong("bourne.it.seed", System.nanoTime());
    long seconds = Long.getLong("bourne.it.seconds", 45);
    System.out.println("FaultsIT seed " + seed + " (replay: -Dbourne.it.seed=" + seed + "), " + seconds + " s");
    Random rnd = new Random(seed);
    try (ProcessCluster c = ProcessCluster.start("faults", 3, List.of("--request-timeout", "4s", "--snapshot-every", "200"))) {
      c.awaitReady(WAIT);
      List<Op> history = Collections.synchronizedList(new ArrayList<>());
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      AtomicInteger values = new AtomicInteger();
      List<Thread> clients = new ArrayList<>();
      for (int i = 0; i < 3 * CLIENTS_PER_NODE; i++) {
        int process = i;
        NodeProcess via = c.node(i % 3);
        long clientSeed = rnd.nextLong();
        Thread t = new Thread(() -> runClient(process, via, new Random(clientSeed), end, values, history), "client-" + i);
        t.start();
        clients.add(t);
      }
      List<String> faults = nemesis(c, rnd, end);
      for (Thread t : clients) {
        t.join(WAIT.toMillis());
      }
      // Heal: everyone runs, every node serves; then every node reads every key.
      for (NodeProcess n : c.nodes) {
        if (!n.alive()) {
          n.start(c.others(n));
        }
      }
      c.awaitReady(WAIT);
      int process = 100;
      for (NodeProcess n : c.nodes) {
        for (int k = 0; k < KEYS; k++) {
          long t0 = System.nanoTime();
          NodeProcess.Answer a = n.callSurely("GET", "/v1/kv/f" + k, null, WAIT);
          history.add(readOp(process, "f" + k, a, t0, System.nanoTime()));
        }
        process++;
      }
      Linearizability.Report report = Linearizability.check(history, 20_000_000);
      long ok = history.stream().filter(o -> o.status() == Op.Status.OK).count();
      long unknown = history.stream().filter(o -> o.status() == Op.Status.UNKNOWN).count();
      System.out.printf("faults: %s%noperations: %d (%d ok, %d unknown, %d failed)%n%s%n", faults, history.size(), ok,
          unknown, history.size() - ok - unknown, report);
      assertEquals(Linearizability.Outcome.LINEARIZABLE, report.outcome(), "seed " + seed + ": " + report);
    }
  }

  /** Kills and restarts, or pauses and resumes, one node at a time until {@code end}. */
  private static List<String> nemesis(ProcessCluster c, Random rnd, long end) throws Exception {
    List<String> done = new ArrayList<>();
    while (System.nanoTime() < end - 3_000_000_000L) {
      park(1000 + rnd.nextInt(2000));
      NodeProcess victim = c.node(rnd.nextInt(3));
      long millis = 1000 + rnd.nextInt(3000);
      if (rnd.nextBoolean()) {
        victim.kill();
        park(millis);
        victim.start(c.others(victim));
        done.add("kill " + victim.name + " " + millis + " ms");
      } else {
        victim.pause();
        park(millis);
        victim.resume();
        done.add("pause " + victim.name + " " + millis + " ms");
      }
    }
    return done;
  }

  private static void park(long millis) {
    java.util.concurrent.locks.LockSupport.parkNanos(millis * 1_000_000); // the nemesis's own schedule
  }

  private static void runClient(int process, NodeProcess via, Random rnd, long end, AtomicInteger values, List<Op> history) {
    Map<String, Long> seen = new java.util.HashMap<>();
    while (System.nanoTime() < end) {
      String key = "f" + rnd.nextInt(KEYS);
      int roll = rnd.nextInt(10);
      long t0 = System.nanoTime();
      if (roll < 4) {
        NodeProcess.Answer a = via.call("GET", "/v1/kv/" + key, null, Map.of());
        Op op = readOp(process, key, a, t0, System.nanoTime());
        if (op.status() == Op.Status.OK) {
          seen.put(key, op.result().version());
        } else {
          park(200); // a node down or electing: do not spin
        }
        history.add(op);
      } else {
        String value = "v" + values.incrementAndGet();
        boolean cas = roll >= 8 && seen.containsKey(key);
        long expected = cas ? seen.get(key) : 0;
        NodeProcess.Answer a = via.call("PUT", "/v1/kv/" + key + (cas ? "?version=" + expected : ""), value, Map.of());
        long t1 = System.nanoTime();
        Op.Kind kind = cas ? Op.Kind.CAS : Op.Kind.WRITE;
        JsonNode b = a.body();
        if (a.status() == 200) {
          history.add(new Op(process, key, kind, value, expected, Op.Status.OK,
              new Op.Result(true, null, b.path("version").asLong(), b.path("previousVersion").asLong()), t0, t1));
          seen.put(key, b.path("version").asLong());
        } else if (cas && a.status() == 409 && "VERSION_CONFLICT".equals(b.path("error").path("code").asText())) {
          long current = b.path("error").path("currentVersion").asLong();
          history.add(new Op(process, key, kind, value, expected, Op.Status.OK, new Op.Result(false, null, current, 0), t0,
              t1));
          seen.put(key, current);
        } else if (a.status() == 400) {
          throw new AssertionError("the node refused a valid write: " + a.text());
        } else if (a.status() == NodeProcess.REFUSED
            || (a.status() == 503 && "NOT_READY".equals(b.path("error").path("code").asText()))) {
          // Never sent, or refused before it reached the log.
          history.add(new Op(process, key, kind, value, expected, Op.Status.FAILED, Op.Result.NONE, t0, t1));
          park(200);
        } else {
          // No answer, 5xx: it may have applied (a node killed or frozen mid-request).
          history.add(new Op(process, key, kind, value, expected, Op.Status.UNKNOWN, Op.Result.NONE, t0, t1));
          park(200);
        }
      }
    }
  }

  private static Op readOp(int process, String key, NodeProcess.Answer a, long t0, long t1) {
    if (a.status() == 200) {
      return new Op(process, key, Op.Kind.READ, null, 0, Op.Status.OK,
          new Op.Result(true, a.body().path("value").asText(), a.body().path("version").asLong(), 0), t0, t1);
    }
    if (a.status() == 404 && "KEY_NOT_FOUND".equals(a.body().path("error").path("code").asText())) {
      return new Op(process, key, Op.Kind.READ, null, 0, Op.Status.OK, Op.Result.NONE, t0, t1);
    }
    return new Op(process, key, Op.Kind.READ, null, 0, Op.Status.FAILED, Op.Result.NONE, t0, t1);
  }
}
