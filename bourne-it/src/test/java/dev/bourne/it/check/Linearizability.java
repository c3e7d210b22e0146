package dev.bourne.it.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A linearizability checker for key/value histories: the Wing-Gong search as Lowe improved it (a
 * linked list of call and return events, operations lifted out of it as they are linearized, and a
 * cache of visited (linearized set, model state) pairs, the set as a 128-bit fingerprint), per key, since a history of independent
 * keys is linearizable exactly when each key's is (P-compositionality).
 *
 * <ul>
 *   <li>FAILED operations are dropped: they did not happen.
 *   <li>UNKNOWN operations (timeouts) have no return event: they may take effect at any point after
 *       their invocation, or never. Unknown reads are dropped (they constrain nothing).
 *   <li>The search is bounded ({@code maxSteps} per key): past it the verdict is UNKNOWN, never a
 *       guess.
 *   <li>On a violation the report names the operation that cannot be ordered (the one whose return
 *       the deepest attempt could not get past) and the window of operations concurrent with it.
 * </ul>
 */
public final class Linearizability {
  private Linearizability() {}

  /** The verdict on one key, or on a whole history. */
  public enum Outcome { LINEARIZABLE, VIOLATION, UNKNOWN }

  /**
   * The verdict on one key.
   *
   * @param key the key
   * @param outcome the verdict
   * @param operations operations checked (FAILED ones and unknown reads left out)
   * @param steps search steps taken
   * @param culprit for a violation: the operation no order could place
   * @param window for a violation: the operations concurrent with the culprit, by invocation
   */
  public record KeyVerdict(String key, Outcome outcome, int operations, long steps, Op culprit, List<Op> window) {
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(key + ": " + outcome + " (" + operations + " operations, " + steps + " steps)");
      if (outcome == Outcome.VIOLATION) {
        sb.append("\n  cannot be ordered: ").append(culprit).append("\n  window:");
        window.forEach(o -> sb.append("\n    ").append(o));
      }
      return sb.toString();
    }
  }

  /**
   * The verdict on a history: LINEARIZABLE if every key is, VIOLATION if any key is not, else
   * UNKNOWN.
   */
  public record Report(Outcome outcome, List<KeyVerdict> keys) {
    public int operations() {
      return keys.stream().mapToInt(KeyVerdict::operations).sum();
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(outcome + ": " + operations() + " operations on " + keys.size() + " keys");
      keys.stream().filter(k -> k.outcome() != Outcome.LINEARIZABLE).forEach(k -> sb.append("\n").append(k));
      return sb.toString();
    }
  }

  /** Checks a history, key by key, with at most {@code maxSteps} search steps per key. */
  public static Report check(List<Op> history, long maxSteps) {
    Map<String, List<Op>> byKey = new LinkedHashMap<>();
    for (Op op : history) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    List<KeyVerdict> verdicts = new ArrayList<>();
    for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
      verdicts.add(checkKey(e.getKey(), e.getValue(), maxSteps));
    }
    Outcome all = verdicts.stream().anyMatch(v -> v.outcome() == Outcome.VIOLATION) ? Outcome.VIOLATION
        : verdicts.stream().anyMatch(v -> v.outcome() == Outcome.UNKNOWN) ? Outcome.UNKNOWN : Outcome.LINEARIZABLE;
    return new Report(all, verdicts);
  }

  /** An event of the search list: an operation's call or return. */
  private static final class Event {
    final int op;
    final boolean call;
    final long time;
    Event match; // the call's return, if any
    Event prev;
    Event next;

    Event(int op, boolean call, long time) {
      this.op = op;
      this.call = call;
      this.time = time;
    }
  }

  /** A linearization step to undo: the operation, the state before it, the other states it allowed. */
  private record Frame(int op, VersionedRegister before, List<VersionedRegister> others) {}

  /**
   * A visited (linearized set, model state) pair. The set is kept as a 128-bit Zobrist fingerprint
   * (the XOR of two random 64-bit keys per linearized operation, updated in O(1) per step) rather
   * than a copy of the set, which cost O(history) bytes per entry and ran a 3-minute churn
   * campaign out of a 6 GB heap. Two different sets share a fingerprint with probability about
   * 2^-128; such a collision could only prune a branch, so it could make the checker report a
   * violation that is not there, never miss one.
   */
  private record Visited(long h1, long h2, VersionedRegister state) {}

  /**
   * Drops writes and compare-and-sets of unknown outcome that nothing observed: no read returned
   * their value, and they cannot have made a version that some operation reported but no known
   * write made. Such an operation, if it applied, was overwritten unseen, so a linearization in
   * which it did not apply exists whenever one in which it did exists. Without this, each pending
   * write doubles what the search may try (a campaign's key with thousands of operations and a few
   * dozen timeouts ran out of its 20 million steps). Sound for the checker's promise: it only takes
   * away choices nobody's result depended on, so it cannot hide a violation, nor make one up.
   */
  static List<Op> withoutUnobservedUnknownWrites(List<Op> ops) {
    Set<String> valuesRead = new HashSet<>();
    Set<Long> made = new HashSet<>();
    for (Op o : ops) {
      if (o.status() != Op.Status.OK) {
        continue;
      }
      if (o.kind() == Op.Kind.READ && o.result().found()) {
        valuesRead.add(o.result().value());
      }
      if (o.kind() == Op.Kind.WRITE || (o.kind() == Op.Kind.CAS && o.result().found())) {
        made.add(o.result().version());
      }
    }
    // The latest completion of an operation that reported a version no known write made: only an
    // unknown write invoked before it can have made that version.
    long lastUnexplained = Long.MIN_VALUE;
    for (Op o : ops) {
      if (o.status() != Op.Status.OK) {
        continue;
      }
      List<Long> seen = switch (o.kind()) {
        case READ -> o.result().found() ? List.of(o.result().version()) : List.of();
        case WRITE -> List.of(o.result().previous());
        case CAS -> List.of(o.result().found() ? o.result().previous() : o.result().version());
        case DELETE -> o.result().found() ? List.of(o.result().previous()) : List.of();
      };
      for (long v : seen) {
        if (v != 0 && !made.contains(v)) {
          lastUnexplained = Math.max(lastUnexplained, o.completed());
        }
      }
    }
    long horizon = lastUnexplained;
    return ops.stream().filter(o -> !(o.status() == Op.Status.UNKNOWN
        && (o.kind() == Op.Kind.WRITE || o.kind() == Op.Kind.CAS)
        && !valuesRead.contains(o.value()) && o.invoked() > horizon)).toList();
  }

  static KeyVerdict checkKey(String key, List<Op> all, long maxSteps) {
    List<Op> ops = withoutUnobservedUnknownWrites(all.stream()
        .filter(o -> o.status() != Op.Status.FAILED)
        .filter(o -> !(o.status() == Op.Status.UNKNOWN && o.kind() == Op.Kind.READ))
        .sorted(Comparator.comparingLong(Op::invoked)).toList());
    List<Event> events = new ArrayList<>();
    int finite = 0;
    Event[] calls = new Event[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      Op o = ops.get(i);
      Event c = new Event(i, true, o.invoked());
      calls[i] = c;
      events.add(c);
      if (o.status() == Op.Status.OK) {
        Event r = new Event(i, false, o.completed());
        c.match = r;
        events.add(r);
        finite++;
      }
    }
    // Calls before returns at equal times: operations that touch are treated as concurrent.
    events.sort(Comparator.comparingLong((Event e) -> e.time).thenComparing(e -> e.call ? 0 : 1));
    Event head = new Event(-1, true, Long.MIN_VALUE);
    Event tail = head;
    for (Event e : events) {
      tail.next = e;
      e.prev = tail;
      tail = e;
    }

    BitSet linearized = new BitSet(ops.size());
    Set<Visited> cache = new HashSet<>();
    java.util.Random keys = new java.util.Random(0x11AE_A12AL ^ ops.size());
    long[] z1 = new long[ops.size()];
    long[] z2 = new long[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      z1[i] = keys.nextLong();
      z2[i] = keys.nextLong();
    }
    long h1 = 0; // the fingerprint of 'linearized'
    long h2 = 0;
    Deque<Frame> stack = new ArrayDeque<>();
    VersionedRegister state = VersionedRegister.ABSENT;
    int linearizedFinite = 0;
    long steps = 0;
    int deepest = -1;
    Op culprit = null;
    Event entry = head.next;
    search:
    while (true) {
      if (linearizedFinite == finite) {
        return new KeyVerdict(key, Outcome.LINEARIZABLE, ops.size(), steps, null, List.of());
      }
      if (++steps > maxSteps) {
        return new KeyVerdict(key, Outcome.UNKNOWN, ops.size(), steps, null, List.of());
      }
      if (entry != null && entry.call) {
        Op op = ops.get(entry.op);
        List<VersionedRegister> next = state.step(op);
        for (int i = 0; i < next.size(); i++) {
          if (cache.add(new Visited(h1 ^ z1[entry.op], h2 ^ z2[entry.op], next.get(i)))) {
            stack.push(new Frame(entry.op, state, next.subList(i + 1, next.size())));
            state = next.get(i);
            linearized.set(entry.op);
            h1 ^= z1[entry.op];
            h2 ^= z2[entry.op];
            if (op.status() == Op.Status.OK) {
              linearizedFinite++;
            }
            lift(calls[entry.op]);
            entry = head.next;
            continue search;
          }
        }
        entry = entry.next;
        continue;
      }
      // A return whose operation could not be linearized before it (or the end): undo the last step.
      if (entry != null && linearized.cardinality() > deepest) {
        deepest = linearized.cardinality();
        culprit = ops.get(entry.op);
      }
      while (true) {
        if (stack.isEmpty()) {
          return new KeyVerdict(key, Outcome.VIOLATION, ops.size(), steps, culprit, window(ops, culprit));
        }
        Frame f = stack.pop();
        linearized.clear(f.op());
        h1 ^= z1[f.op()];
        h2 ^= z2[f.op()];
        if (ops.get(f.op()).status() == Op.Status.OK) {
          linearizedFinite--;
        }
        state = f.before();
        unlift(calls[f.op()]);
        for (int i = 0; i < f.others().size(); i++) {
          if (cache.add(new Visited(h1 ^ z1[f.op()], h2 ^ z2[f.op()], f.others().get(i)))) {
            stack.push(new Frame(f.op(), state, f.others().subList(i + 1, f.others().size())));
            state = f.others().get(i);
            linearized.set(f.op());
            h1 ^= z1[f.op()];
            h2 ^= z2[f.op()];
            if (ops.get(f.op()).status() == Op.Status.OK) {
              linearizedFinite++;
            }
            lift(calls[f.op()]);
            entry = head.next;
            continue search;
          }
        }
        entry = calls[f.op()].next;
        continue search;
      }
    }
  }

  private static List<Op> window(List<Op> ops, Op culprit) {
    if (culprit == null) {
      return List.of();
    }
    long from = culprit.invoked();
    long to = culprit.status() == Op.Status.OK ? culprit.completed() : Long.MAX_VALUE;
    return ops.stream().filter(o -> o.invoked() <= to && (o.status() != Op.Status.OK || o.completed() >= from))
        .toList();
  }

  private static void lift(Event call) {
    call.prev.next = call.next;
    if (call.next != null) {
      call.next.prev = call.prev;
    }
    Event r = call.match;
    if (r != null) {
      r.prev.next = r.next;
      if (r.next != null) {
        r.next.prev = r.prev;
      }
    }
  }

  private static void unlift(Event call) {
    Event r = call.match;
    if (r != null) {
      r.prev.next = r;
      if (r.next != null) {
        r.next.prev = r;
      }
    }
    call.prev.next = call;
    if (call.next != null) {
      call.next.prev = call;
    }
  }
}
