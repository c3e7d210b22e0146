package dev.bourne.kayak.host;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Expires client requests whose deadline passed, swept once per tick on the event loop. Requests
 * are kept in one FIFO queue per timeout value, so each queue is ordered by deadline and a sweep
 * only looks at the heads: finished requests leave as soon as they reach the head, expired ones are
 * failed. No timer task per request, so the cost stays flat at hundreds of thousands of requests a
 * second.
 *
 * <p>Event-loop thread only (and the stopping thread once the loop has ended).
 */
final class Deadlines {
  private final Map<Long, ArrayDeque<Op<?>>> queues = new HashMap<>();

  /** Tracks {@code op}, which expires its timeout after it was created. */
  void add(Op<?> op) {
    queues.computeIfAbsent(op.timeout.toNanos(), k -> new ArrayDeque<>()).add(op);
  }

  /** Drops finished requests and fails expired ones. */
  void sweep(long nowNanos) {
    List<Op<?>> expired = new ArrayList<>();
    for (ArrayDeque<Op<?>> q : queues.values()) {
      while (!q.isEmpty() && (q.peek().isDone() || q.peek().deadlineNanos <= nowNanos)) {
        Op<?> op = q.poll();
        if (!op.isDone()) {
          expired.add(op);
        }
      }
    }
    // Failed only now: a caller's callback runs inside expire() and may stop the host, which
    // drains these queues (found by the simulator: a join that timed out shut its host down).
    expired.forEach(Op::expire);
  }

  /** Everything still tracked, removed (the host is stopping). */
  List<Op<?>> drain() {
    List<Op<?>> all = new ArrayList<>();
    queues.values().forEach(all::addAll);
    queues.clear();
    return all;
  }

  /** Applies {@code action} to every tracked request that is not finished. */
  void forEachOpen(Consumer<Op<?>> action) {
    queues.values().forEach(q -> q.forEach(op -> {
      if (!op.isDone()) {
        action.accept(op);
      }
    }));
  }
}
