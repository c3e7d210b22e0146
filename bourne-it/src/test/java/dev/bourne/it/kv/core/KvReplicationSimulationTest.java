package dev.bourne.it.kv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The replicated state machine under a seeded schedule: clients that retry their writes (through
 * other nodes, so the retry is a second log entry with the same request id), compare-and-sets on
 * versions they read, leaders' no-ops and garbage entries in the log, replicas that apply at their
 * own pace, snapshot, crash and restart from their snapshot, or catch up from another replica's
 * snapshot. Every replica must end in the state of an independent reference, every entry must have
 * the same outcome on every replica, and a retried request the outcome of its first attempt.
 *
 * <p>Replay a failure with {@code -Dbourne.kv.seed=S}; run more with {@code -Dbourne.kv.seeds=N}.
 */
class KvReplicationSimulationTest {
  private static final int SEEDS = Integer.getInteger("bourne.kv.seeds", 300);
  private static final long BASE = Long.getLong("bourne.kv.seed", 20261202L);

  @Test
  void replicasAgreeWithTheReferenceUnderRetriesSnapshotsAndRestarts() {
    for (int i = 0; i < SEEDS; i++) {
      long seed = BASE + i;
      try {
        run(seed);
      } catch (AssertionError | RuntimeException e) {
        fail("seed " + seed + " (replay: -Dbourne.kv.seed=" + seed + " -Dbourne.kv.seeds=1): " + e.getMessage(), e);
      }
    }
  }

  /** An entry of the simulated log: a command, a leader's no-op, or bytes that are no command. */
  private record LogEntry(Command command, byte[] garbage) {}

  /** One replica: its machine, how far it applied, its latest snapshot, the outcomes it computed. */
  private static final class Replica {
    KvMachine machine = new KvMachine();
    List<byte[]> snapshot;
    long snapshotIndex;
    final Map<Long, Outcome> outcomes = new HashMap<>();
  }

  private static void run(long seed) {
    Random rnd = new Random(seed);
    List<LogEntry> log = new ArrayList<>();
    int clients = 1 + rnd.nextInt(6);
    long[] seqs = new long[clients];
    List<List<Command>> sent = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      sent.add(new ArrayList<>());
    }
    int keys = 2 + rnd.nextInt(10);
    int entries = 100 + rnd.nextInt(400);
    for (int i = 0; i < entries; i++) {
      int roll = rnd.nextInt(100);
      if (roll < 5) {
        log.add(new LogEntry(null, null)); // a leader's no-op or a configuration change
        continue;
      }
      if (roll < 7) {
        log.add(new LogEntry(null, ("junk" + rnd.nextInt()).getBytes(StandardCharsets.UTF_8)));
        continue;
      }
      int c = rnd.nextInt(clients);
      List<Command> mine = sent.get(c);
      if (roll < 33 && roll >= 30 && !mine.isEmpty()) { // a client bug: another write under a used id
        Command used = mine.get(rnd.nextInt(mine.size()));
        log.add(new LogEntry(new Command.Put("k" + rnd.nextInt(keys), ("misused" + i).getBytes(StandardCharsets.UTF_8),
            Optional.empty(), rnd.nextLong(), used.request()), null));
        continue;
      }
      if (roll < 30 && !mine.isEmpty()) { // a retry of one of this client's recent writes
        log.add(new LogEntry(mine.get(mine.size() - 1 - rnd.nextInt(Math.min(mine.size(), 20))), null));
        continue;
      }
      String key = "k" + rnd.nextInt(keys);
      Optional<Long> expected = rnd.nextInt(4) == 0 ? Optional.of((long) rnd.nextInt(log.size() + 2)) : Optional.empty();
      Optional<RequestId> id = rnd.nextInt(5) == 0 ? Optional.empty()
          : Optional.of(new RequestId("client-" + c, ++seqs[c]));
      Command cmd = rnd.nextInt(4) == 0 ? new Command.Delete(key, expected, rnd.nextLong(), id)
          : new Command.Put(key, ("v" + i).getBytes(StandardCharsets.UTF_8), expected, rnd.nextLong(), id);
      if (id.isPresent()) {
        mine.add(cmd);
      }
      log.add(new LogEntry(cmd, null));
    }

    Reference ref = new Reference();
    Map<Long, Outcome> expectedOutcomes = new HashMap<>();
    for (int i = 0; i < log.size(); i++) {
      LogEntry e = log.get(i);
      if (e.command() != null) {
        expectedOutcomes.put((long) i + 1, ref.apply(i + 1, e.command()));
      }
    }

    int n = 3;
    List<Replica> replicas = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      replicas.add(new Replica());
    }
    // Apply at random paces with crashes, snapshots and snapshot installs, until all are done.
    while (replicas.stream().anyMatch(r -> r.machine.applied() < log.size())) {
      Replica r = replicas.get(rnd.nextInt(n));
      int action = rnd.nextInt(100);
      if (action < 70) {
        int steps = 1 + rnd.nextInt(20);
        for (int s = 0; s < steps && r.machine.applied() < log.size(); s++) {
          long index = r.machine.applied() + 1;
          LogEntry e = log.get((int) index - 1);
          if (e.command() != null) {
            r.outcomes.put(index, r.machine.apply(index, CommandCodec.encode(e.command())));
          } else if (e.garbage() != null) {
            Outcome o = r.machine.apply(index, e.garbage());
            if (!(o instanceof Outcome.Rejected)) {
              throw new AssertionError("garbage at " + index + " was not rejected: " + o);
            }
          } else {
            r.machine.skip(index);
          }
        }
      } else if (action < 80) {
        if (r.machine.applied() > r.snapshotIndex) {
          r.snapshot = r.machine.snapshot();
          r.snapshotIndex = r.machine.applied();
        }
      } else if (action < 90) { // crash: memory lost, restart from its own snapshot and the log
        r.machine = new KvMachine();
        if (r.snapshot != null) {
          r.machine.restore(r.snapshot);
          assertEquals(r.snapshotIndex, r.machine.applied());
        }
      } else { // a leader's snapshot overtakes it
        Replica leader = replicas.stream().filter(o -> o.snapshot != null).max((a, b) ->
            Long.compare(a.snapshotIndex, b.snapshotIndex)).orElse(null);
        if (leader != null && leader.snapshotIndex > r.machine.applied()) {
          r.machine = new KvMachine();
          r.machine.restore(leader.snapshot);
          r.snapshot = leader.snapshot;
          r.snapshotIndex = leader.snapshotIndex;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      Replica r = replicas.get(i);
      assertEquals(ref.data, render(r.machine), "replica " + i + " state");
      for (Map.Entry<Long, Outcome> o : r.outcomes.entrySet()) {
        assertEquals(expectedOutcomes.get(o.getKey()), o.getValue(), "replica " + i + " outcome at " + o.getKey());
      }
    }
  }

  private static TreeMap<String, String> render(KvMachine m) {
    TreeMap<String, String> out = new TreeMap<>();
    for (var e : m.list("", Integer.MAX_VALUE)) {
      out.put(e.getKey(), new String(e.getValue().value(), StandardCharsets.UTF_8) + "@" + e.getValue().version());
    }
    return out;
  }

  /** An independent, simple model: first attempts apply, retries repeat the first outcome. */
  private static final class Reference {
    final TreeMap<String, String> data = new TreeMap<>();
    final Map<String, Long> versions = new HashMap<>();
    final Map<RequestId, Outcome> first = new HashMap<>();
    final Map<RequestId, String> what = new HashMap<>();

    private static String describe(Command c) {
      return (c instanceof Command.Put p ? "put " + new String(p.value(), StandardCharsets.UTF_8) : "delete") + " "
          + c.key() + " " + c.expected();
    }

    Outcome apply(long index, Command c) {
      if (c.request().isPresent() && first.containsKey(c.request().get())) {
        return what.get(c.request().get()).equals(describe(c)) ? first.get(c.request().get()) : new Outcome.Reused();
      }
      long current = versions.getOrDefault(c.key(), 0L);
      Outcome o;
      if (c.expected().isPresent() && c.expected().get() != current) {
        o = new Outcome.Conflict(current);
      } else if (c instanceof Command.Put p) {
        data.put(c.key(), new String(p.value(), StandardCharsets.UTF_8) + "@" + index);
        versions.put(c.key(), index);
        o = new Outcome.Written(index, current);
      } else if (current == 0) {
        o = new Outcome.NotFound();
      } else {
        data.remove(c.key());
        versions.remove(c.key());
        o = new Outcome.Deleted(index, current);
      }
      c.request().ifPresent(id -> {
        first.put(id, o);
        what.put(id, describe(c));
      });
      return o;
    }
  }
}
