package dev.bourne.it.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearizabilityTest {
  private static final long STEPS = 2_000_000;

  private static Op write(int p, String v, long version, long previous, long from, long to) {
    return new Op(p, "k", Op.Kind.WRITE, v, 0, Op.Status.OK, new Op.Result(true, null, version, previous), from, to);
  }

  private static Op unknownWrite(int p, String v, long from) {
    return new Op(p, "k", Op.Kind.WRITE, v, 0, Op.Status.UNKNOWN, Op.Result.NONE, from, 0);
  }

  private static Op read(int p, String v, long version, long from, long to) {
    return new Op(p, "k", Op.Kind.READ, null, 0, Op.Status.OK,
        v == null ? Op.Result.NONE : new Op.Result(true, v, version, 0), from, to);
  }

  private static Op cas(int p, long expected, String v, boolean applied, long version, long previous, long from,
      long to) {
    return new Op(p, "k", Op.Kind.CAS, v, expected, Op.Status.OK, new Op.Result(applied, null, version, previous), from,
        to);
  }

  private static Linearizability.Outcome check(Op... ops) {
    return Linearizability.check(List.of(ops), STEPS).outcome();
  }

  @Test
  void sequentialAndConcurrentHistoriesThatCanBeOrderedPass() {
    assertEquals(Linearizability.Outcome.LINEARIZABLE, check(read(1, null, 0, 0, 1), write(1, "a", 5, 0, 2, 3),
        read(2, "a", 5, 4, 5)));
    // A read concurrent with a write may see either.
    assertEquals(Linearizability.Outcome.LINEARIZABLE, check(write(1, "a", 5, 0, 0, 1), write(1, "b", 7, 5, 2, 10),
        read(2, "a", 5, 3, 4), read(3, "b", 7, 5, 6)));
  }

  @Test
  void aStaleReadIsCaught() {
    Linearizability.Report r = Linearizability.check(List.of(write(1, "a", 5, 0, 0, 1), write(1, "b", 7, 5, 2, 3),
        read(2, "a", 5, 4, 5)), STEPS);
    assertEquals(Linearizability.Outcome.VIOLATION, r.outcome());
    Linearizability.KeyVerdict k = r.keys().get(0);
    assertEquals(Op.Kind.READ, k.culprit().kind(), k.toString());
    assertTrue(k.toString().contains("cannot be ordered"), k.toString());
  }

  @Test
  void aLostWriteIsCaught() {
    // The write was acknowledged, then a later read sees the value before it.
    assertEquals(Linearizability.Outcome.VIOLATION, check(write(1, "a", 5, 0, 0, 1), write(2, "b", 7, 5, 2, 3),
        read(3, "a", 5, 10, 11), read(3, "b", 7, 12, 13)));
    assertEquals(Linearizability.Outcome.VIOLATION, check(write(1, "a", 5, 0, 0, 1), read(2, null, 0, 2, 3)));
  }

  @Test
  void anUnknownWriteMayApplyLateOrNever() {
    assertEquals(Linearizability.Outcome.LINEARIZABLE, check(write(1, "a", 5, 0, 0, 1), unknownWrite(2, "b", 2),
        read(3, "a", 5, 10, 11), read(3, "b", 9, 20, 21)), "applied after a later read");
    assertEquals(Linearizability.Outcome.LINEARIZABLE, check(write(1, "a", 5, 0, 0, 1), unknownWrite(2, "b", 2),
        read(3, "a", 5, 10, 11)), "never applied");
    assertEquals(Linearizability.Outcome.VIOLATION, check(write(1, "a", 5, 0, 0, 1), unknownWrite(2, "b", 20),
        read(3, "b", 9, 10, 11)), "but not before it was invoked");
    // Once seen, it cannot be unseen.
    assertEquals(Linearizability.Outcome.VIOLATION, check(write(1, "a", 5, 0, 0, 1), unknownWrite(2, "b", 2),
        read(3, "b", 9, 10, 11), read(3, "a", 5, 12, 13)));
  }

  @Test
  void compareAndSetsMustAgreeWithTheVersions() {
    assertEquals(Linearizability.Outcome.LINEARIZABLE, check(write(1, "a", 5, 0, 0, 1), cas(2, 5, "b", true, 8, 5, 2, 3),
        cas(3, 5, "c", false, 8, 0, 4, 5), read(1, "b", 8, 6, 7)));
    assertEquals(Linearizability.Outcome.VIOLATION, check(write(1, "a", 5, 0, 0, 1), cas(2, 5, "b", true, 8, 5, 2, 3),
        cas(3, 5, "c", true, 9, 5, 4, 5)), "two compare-and-sets from one version");
    assertEquals(Linearizability.Outcome.VIOLATION, check(write(1, "a", 5, 0, 0, 1), cas(2, 5, "b", false, 5, 0, 2, 3)),
        "a conflict at the expected version");
  }

  @Test
  void failedOperationsDidNotHappenAndKeysAreCheckedApart() {
    Op failed = new Op(1, "k", Op.Kind.WRITE, "x", 0, Op.Status.FAILED, Op.Result.NONE, 0, 1);
    assertEquals(Linearizability.Outcome.LINEARIZABLE, check(failed, read(2, null, 0, 2, 3)));
    Op other = new Op(1, "j", Op.Kind.WRITE, "y", 0, Op.Status.OK, new Op.Result(true, null, 3, 0), 0, 1);
    Linearizability.Report r = Linearizability.check(List.of(other, write(1, "a", 5, 0, 0, 1), read(2, null, 0, 2, 3)),
        STEPS);
    assertEquals(Linearizability.Outcome.VIOLATION, r.outcome());
    assertEquals(2, r.keys().size());
    assertEquals(Linearizability.Outcome.LINEARIZABLE, r.keys().get(0).outcome(), "key j");
  }

  @Test
  void aSearchTooLargeForItsBoundSaysUnknown() {
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      ops.add(unknownWrite(i, "v" + i, i)); // every order of 14 unknown writes...
    }
    ops.add(read(99, "never written", 3, 100, 101)); // ...and a read no order explains
    assertEquals(Linearizability.Outcome.UNKNOWN, Linearizability.check(ops, 1_000).outcome());
  }

  @Test
  void unknownWritesNobodyObservedDoNotGrowTheSearch() {
    List<Op> ops = new ArrayList<>();
    ops.add(write(0, "a", 5, 0, 0, 1));
    for (int i = 0; i < 40; i++) {
      ops.add(unknownWrite(i + 1, "lost" + i, 2 + i)); // timed out, never seen
    }
    ops.add(write(50, "b", 100, 5, 60, 61));
    ops.add(read(51, "b", 100, 70, 71));
    // Forty pending writes could be ordered in 2^40 ways; nobody saw one, so none needs a place.
    assertEquals(Linearizability.Outcome.LINEARIZABLE, Linearizability.check(ops, 10_000).outcome());
    // A stale read among them is still caught.
    ops.add(read(52, "a", 5, 80, 81));
    assertEquals(Linearizability.Outcome.VIOLATION, Linearizability.check(ops, 10_000).outcome());
  }

  @Test
  void anUnknownWriteSeenOnlyThroughAVersionKeepsItsPlace() {
    // Nobody read "b", but a later write replaced version 9, which only "b" can have made.
    assertEquals(Linearizability.Outcome.LINEARIZABLE, check(write(1, "a", 5, 0, 0, 1), unknownWrite(2, "b", 2),
        write(3, "c", 12, 9, 10, 11), read(4, "c", 12, 13, 14)));
    // A compare-and-set that conflicted at version 9 saw it too.
    assertEquals(Linearizability.Outcome.LINEARIZABLE, check(write(1, "a", 5, 0, 0, 1), unknownWrite(2, "b", 2),
        cas(3, 5, "c", false, 9, 0, 10, 11)));
    // But an unknown write invoked after that observation cannot have made the version.
    assertEquals(Linearizability.Outcome.VIOLATION, check(write(1, "a", 5, 0, 0, 1), unknownWrite(2, "b", 20),
        write(3, "c", 12, 9, 10, 11)));
  }

  /**
   * Random histories of a real atomic register, driven by clients with overlapping operations, pass;
   * the same histories with one read made stale are caught.
   */
  @Test
  void randomHistoriesOfARealRegisterPassAndAStaleReadInThemIsCaught() {
    int staleChecked = 0;
    for (long seed = 1; seed <= 200; seed++) {
      Random rnd = new Random(seed);
      List<Op> history = simulate(rnd);
      Linearizability.Report ok = Linearizability.check(history, STEPS);
      if (ok.outcome() != Linearizability.Outcome.LINEARIZABLE) {
        fail("seed " + seed + ": " + ok + "\n" + history);
      }
      List<Op> stale = staleOne(history);
      if (stale != null) {
        staleChecked++;
        Linearizability.Report bad = Linearizability.check(stale, STEPS);
        assertEquals(Linearizability.Outcome.VIOLATION, bad.outcome(), "seed " + seed + " with a stale read: " + bad);
      }
    }
    assertTrue(staleChecked > 100, "stale reads injected in " + staleChecked + " of 200 histories");
  }

  /** Four clients on one register; each operation takes effect at a random instant inside its interval. */
  private static List<Op> simulate(Random rnd) {
    record Pending(int process, Op.Kind kind, String value, long expected, long invoked, long at, long completed,
        boolean timesOut) {}
    List<Pending> planned = new ArrayList<>();
    long[] free = new long[4];
    int n = 0;
    for (int i = 0; i < 30; i++) {
      int p = rnd.nextInt(4);
      long invoked = free[p] + rnd.nextInt(5);
      long at = invoked + 1 + rnd.nextInt(10);
      long completed = at + 1 + rnd.nextInt(10);
      free[p] = completed + 1;
      Op.Kind kind = switch (rnd.nextInt(4)) {
        case 0, 1 -> Op.Kind.READ;
        case 2 -> Op.Kind.WRITE;
        default -> Op.Kind.CAS;
      };
      planned.add(new Pending(p, kind, "v" + (n++), rnd.nextInt(40), invoked, at, completed, rnd.nextInt(15) == 0));
    }
    planned.sort(java.util.Comparator.comparingLong(Pending::at));
    boolean present = false;
    String value = null;
    long version = 0;
    long index = 0;
    List<Op> out = new ArrayList<>();
    for (Pending q : planned) {
      index++;
      Op.Result r;
      switch (q.kind()) {
        case READ -> r = present ? new Op.Result(true, value, version, 0) : Op.Result.NONE;
        case WRITE -> {
          r = new Op.Result(true, null, index, version);
          present = true;
          value = q.value();
          version = index;
        }
        default -> {
          long expected = rnd.nextBoolean() ? version : q.expected();
          if (expected == version) {
            r = new Op.Result(true, null, index, version);
            present = true;
            value = q.value();
            version = index;
          } else {
            r = new Op.Result(false, null, version, 0);
          }
          out.add(new Op(q.process(), "k", Op.Kind.CAS, q.value(), expected,
              q.timesOut() ? Op.Status.UNKNOWN : Op.Status.OK, q.timesOut() ? Op.Result.NONE : r, q.invoked(),
              q.completed()));
          continue;
        }
      }
      out.add(new Op(q.process(), "k", q.kind(), q.kind() == Op.Kind.READ ? null : q.value(), 0,
          q.timesOut() ? Op.Status.UNKNOWN : Op.Status.OK, q.timesOut() ? Op.Result.NONE : r, q.invoked(),
          q.completed()));
    }
    return out;
  }

  /**
   * The history with its last OK read that saw a write, which was acknowledged and then overwritten
   * by another acknowledged write before the read began, changed to read the overwritten value.
   */
  private static List<Op> staleOne(List<Op> history) {
    for (int i = history.size() - 1; i >= 0; i--) {
      Op r = history.get(i);
      if (r.kind() != Op.Kind.READ || r.status() != Op.Status.OK || !r.result().found()) {
        continue;
      }
      // An acknowledged write of another value that completed before one that completed before the read.
      for (Op old : history) {
        if (old.status() != Op.Status.OK || old.kind() != Op.Kind.WRITE) {
          continue;
        }
        for (Op newer : history) {
          if (newer.status() == Op.Status.OK && (newer.kind() == Op.Kind.WRITE
              || (newer.kind() == Op.Kind.CAS && newer.result().found()))
              && old.completed() < newer.invoked() && newer.completed() < r.invoked()
              && !old.value().equals(r.result().value())) {
            List<Op> copy = new ArrayList<>(history);
            copy.set(i, new Op(r.process(), r.key(), Op.Kind.READ, null, 0, Op.Status.OK,
                new Op.Result(true, old.value(), old.result().version(), 0), r.invoked(), r.completed()));
            return copy;
          }
        }
      }
    }
    return null;
  }
}
