package dev.bourne.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bourne.it.check.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Clients doing reads, writes, compare-and-sets and deletes on a few keys through the HTTP API of
 * the nodes they are bound to, each operation recorded with its invocation, completion and outcome
 * (Jepsen's register workload). A write whose answer is lost (no answer, a 5xx other than "not
 * ready") is recorded as unknown: it may have happened. Refused connections and {@code NOT_READY}
 * are failures: the request never reached a log. Every written value is unique, so that a read
 * says which write it saw.
 *
 * <p>Thread-safe; one thread per client, stopped by the deadline given to {@link #start}.
 */
public final class Workload {
  private static final String PREFIX = "w";

  private final int keys;
  private final Random seeds;
  private final List<Op> history = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger values = new AtomicInteger();
  private final List<Thread> clients = new ArrayList<>();
  private int nextProcess;
  private volatile boolean stopped;
  private final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** A workload on {@code keys} keys, its clients' choices drawn from {@code seed}. */
  public Workload(int keys, long seed) {
    this.keys = keys;
    this.seeds = new Random(seed);
  }

  /** Starts {@code perNode} clients on each of {@code nodes}, running until {@code endNanos} ({@link System#nanoTime}). */
  public synchronized void start(List<? extends NodeHandle> nodes, int perNode, long endNanos) {
    for (int c = 0; c < perNode; c++) {
      for (NodeHandle via : nodes) {
        int process = nextProcess++;
        Random rnd = new Random(seeds.nextLong());
        Thread t = new Thread(() -> {
          try {
            run(process, via, rnd, endNanos);
          } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e); // rethrown by await(): a client's failure fails the test
          }
        }, "client-" + process + "-" + via.name);
        t.setDaemon(true);
        t.start();
        clients.add(t);
      }
    }
  }

  /** Makes every client stop after its current operation, before its deadline. */
  public void stop() {
    stopped = true;
  }

  /**
   * Waits for every client to pass its deadline (or {@link #stop}) and finish its last operation.
   *
   * @throws AssertionError if a client failed (a node refused a valid request, say)
   */
  public void await(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : clients) {
      t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      if (t.isAlive()) {
        throw new AssertionError(t.getName() + " still runs " + timeout + " after its deadline");
      }
    }
    if (failure.get() != null) {
      throw new AssertionError("a client failed: " + failure.get(), failure.get());
    }
  }

  /**
   * After healing: every node reads every key (linearizably, retried until it answers), so that a
   * lost acknowledged write or a replica behind shows up as a violation.
   */
  public void finalReads(List<? extends NodeHandle> nodes, Duration timeout) {
    for (NodeHandle n : nodes) {
      int process;
      synchronized (this) {
        process = nextProcess++;
      }
      for (int k = 0; k < keys; k++) {
        long t0 = System.nanoTime();
        NodeHandle.Answer a = n.callSurely("GET", "/v1/kv/" + PREFIX + k, null, timeout);
        Op op = read(process, PREFIX + k, a, t0, System.nanoTime());
        if (op.status() != Op.Status.OK) {
          throw new AssertionError(n.name + " could not read " + PREFIX + k + " after healing: " + a);
        }
        history.add(op);
      }
    }
  }

  /** The history so far (a copy). */
  public List<Op> history() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  private void run(int process, NodeHandle via, Random rnd, long end) {
    Map<String, Long> seen = new HashMap<>();
    while (System.nanoTime() < end && !stopped) {
      String key = PREFIX + rnd.nextInt(keys);
      int roll = rnd.nextInt(20);
      long t0 = System.nanoTime();
      Op op;
      if (roll < 8) {
        op = read(process, key, via.call("GET", "/v1/kv/" + key, null, Map.of()), t0, System.nanoTime());
        if (op.status() == Op.Status.OK) {
          seen.put(key, op.result().version());
        }
      } else if (roll == 19) {
        op = delete(process, key, via.call("DELETE", "/v1/kv/" + key, null, Map.of()), t0, System.nanoTime());
      } else {
        String value = "v" + values.incrementAndGet();
        boolean cas = roll >= 15 && seen.containsKey(key);
        long expected = cas ? seen.get(key) : 0;
        NodeHandle.Answer a = via.call("PUT", "/v1/kv/" + key + (cas ? "?version=" + expected : ""), value, Map.of());
        op = write(process, key, cas, value, expected, a, t0, System.nanoTime());
        if (op.status() == Op.Status.OK) {
          seen.put(key, op.result().version());
        }
      }
      history.add(op);
      if (op.status() != Op.Status.OK) {
        LockSupport.parkNanos(200_000_000); // a node down, frozen or electing: do not spin
      }
    }
  }

  private static Op write(int process, String key, boolean cas, String value, long expected, NodeHandle.Answer a,
      long t0, long t1) {
    Op.Kind kind = cas ? Op.Kind.CAS : Op.Kind.WRITE;
    JsonNode b = a.body();
    if (a.status() == 200) {
      return new Op(process, key, kind, value, expected, Op.Status.OK,
          new Op.Result(true, null, b.path("version").asLong(), b.path("previousVersion").asLong()), t0, t1);
    }
    if (cas && a.status() == 409 && a.errorCode().equals("VERSION_CONFLICT")) {
      return new Op(process, key, kind, value, expected, Op.Status.OK,
          new Op.Result(false, null, b.path("error").path("currentVersion").asLong(), 0), t0, t1);
    }
    return new Op(process, key, kind, value, expected, failedOrUnknown(a), Op.Result.NONE, t0, t1);
  }

  private static Op delete(int process, String key, NodeHandle.Answer a, long t0, long t1) {
    if (a.status() == 200) {
      return new Op(process, key, Op.Kind.DELETE, null, 0, Op.Status.OK,
          new Op.Result(true, null, a.body().path("version").asLong(), a.body().path("previousVersion").asLong()), t0, t1);
    }
    if (a.status() == 404 && a.errorCode().equals("KEY_NOT_FOUND")) {
      return new Op(process, key, Op.Kind.DELETE, null, 0, Op.Status.OK, Op.Result.NONE, t0, t1);
    }
    return new Op(process, key, Op.Kind.DELETE, null, 0, failedOrUnknown(a), Op.Result.NONE, t0, t1);
  }

  /** A write that did not succeed: certainly not applied, or maybe applied. */
  private static Op.Status failedOrUnknown(NodeHandle.Answer a) {
    if (a.status() == 400) {
      throw new AssertionError("the node refused a valid request: " + a.text());
    }
    if (a.status() == NodeHandle.REFUSED || (a.status() == 503 && a.errorCode().equals("NOT_READY"))) {
      return Op.Status.FAILED; // never sent, or refused before it reached the log
    }
    return Op.Status.UNKNOWN; // no answer or a server error: it may have applied
  }

  private static Op read(int process, String key, NodeHandle.Answer a, long t0, long t1) {
    if (a.status() == 200) {
      return new Op(process, key, Op.Kind.READ, null, 0, Op.Status.OK,
          new Op.Result(true, a.body().path("value").asText(), a.body().path("version").asLong(), 0), t0, t1);
    }
    if (a.status() == 404 && a.errorCode().equals("KEY_NOT_FOUND")) {
      return new Op(process, key, Op.Kind.READ, null, 0, Op.Status.OK, Op.Result.NONE, t0, t1);
    }
    return new Op(process, key, Op.Kind.READ, null, 0, Op.Status.FAILED, Op.Result.NONE, t0, t1);
  }
}
