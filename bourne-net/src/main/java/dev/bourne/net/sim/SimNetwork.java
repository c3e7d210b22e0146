package dev.bourne.net.sim;

import dev.bourne.common.time.Durations;
import dev.bourne.common.time.VirtualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A simulated network for deterministic tests: nodes addressed by {@code A} exchange messages of
 * type {@code M}, delivered as tasks on a {@link VirtualClock} after a random delay. Faults are
 * injected from the seeded {@link Random}: loss, delay (which reorders), duplication, extra delay
 * on slow nodes, and partitions, symmetric or one-way. Given the same seed and the same calls, a run
 * is identical every time.
 *
 * <p>Used by the Convoy and Kayak simulators directly (with their protocol messages) and by
 * {@code InMemoryTransport} (with envelopes).
 *
 * <p>Not thread-safe: drive it and its clock from one thread.
 *
 * @param <A> node address type (must have value equality)
 * @param <M> message type
 */
public final class SimNetwork<A, M> {
  private final VirtualClock clock;
  private final Random random;
  private final Map<A, BiConsumer<A, M>> inboxes = new HashMap<>();
  private final Set<Link<A>> cut = new HashSet<>();
  private final Map<A, Duration> slowNodes = new HashMap<>();
  private Faults faults = Faults.NONE;
  private long sent;
  private long delivered;
  private long dropped;
  private long duplicated;

  /**
   * @param clock the virtual clock deliveries are scheduled on
   * @param random the seeded source of every fault decision
   */
  public SimNetwork(VirtualClock clock, Random random) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The clock deliveries are scheduled on. */
  public VirtualClock clock() {
    return clock;
  }

  /**
   * Attaches a node: messages to {@code node} are handed to {@code inbox(from, message)} on the
   * clock's thread. Replaces any previous inbox (a restarted node).
   */
  public void attach(A node, BiConsumer<A, M> inbox) {
    inboxes.put(Objects.requireNonNull(node, "node"), Objects.requireNonNull(inbox, "inbox"));
  }

  /**
   * Detaches a node, as a crash or a closed socket would: messages in flight to it are dropped on
   * arrival, and new ones are dropped.
   */
  public void detach(A node) {
    inboxes.remove(node);
  }

  /** True if the node is attached. */
  public boolean isAttached(A node) {
    return inboxes.containsKey(node);
  }

  /** Sets the faults applied to every message from now on. */
  public void setFaults(Faults faults) {
    this.faults = Objects.requireNonNull(faults, "faults");
  }

  /** The faults in force. */
  public Faults faults() {
    return faults;
  }

  /** Adds {@code extra} delay to every message to or from {@code node} (a slow or overloaded node). */
  public void setSlow(A node, Duration extra) {
    Durations.requireNonNegative(extra, "extra");
    if (extra.isZero()) {
      slowNodes.remove(node);
    } else {
      slowNodes.put(node, extra);
    }
  }

  /** Blocks messages from {@code from} to {@code to} only (a one-way partition). */
  public void cutOneWay(A from, A to) {
    cut.add(new Link<>(from, to));
  }

  /** Blocks messages both ways between every node of {@code side1} and every node of {@code side2}. */
  public void partition(Set<A> side1, Set<A> side2) {
    for (A a : side1) {
      for (A b : side2) {
        if (!a.equals(b)) {
          cut.add(new Link<>(a, b));
          cut.add(new Link<>(b, a));
        }
      }
    }
  }

  /** Cuts {@code node} off from every node in {@code others}, both ways. */
  public void isolate(A node, Set<A> others) {
    partition(Set.of(node), others);
  }

  /** Removes every partition and cut. Faults and slow nodes stay. */
  public void heal() {
    cut.clear();
  }

  /** True if messages from {@code from} to {@code to} are blocked by a partition. */
  public boolean isCut(A from, A to) {
    return cut.contains(new Link<>(from, to));
  }

  /**
   * Sends a message. It is delivered after a delay, possibly twice, or not at all, as the faults,
   * partitions and slow nodes in force decide. Partitions are checked both when sent and when
   * delivered, so healing does not resurrect a message sent across a cut.
   */
  public void send(A from, A to, M message) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
    sent++;
    if (isCut(from, to) || chance(faults.dropRate())) {
      dropped++;
      return;
    }
    schedule(from, to, message);
    if (chance(faults.duplicateRate())) {
      duplicated++;
      schedule(from, to, message);
    }
  }

  private void schedule(A from, A to, M message) {
    Duration delay = faults.pickDelay(random);
    if (chance(faults.reorderRate())) {
      delay = delay.plus(faults.maxDelay()).plus(faults.maxDelay().isZero() ? Duration.ofMillis(1) : Duration.ZERO);
    }
    delay = delay.plus(slowNodes.getOrDefault(from, Duration.ZERO)).plus(slowNodes.getOrDefault(to, Duration.ZERO));
    clock.schedule(
        delay,
        () -> {
          BiConsumer<A, M> inbox = inboxes.get(to);
          if (inbox == null || isCut(from, to)) {
            dropped++;
            return;
          }
          delivered++;
          inbox.accept(from, message);
        });
  }

  private boolean chance(double p) {
    return p > 0 && random.nextDouble() < p;
  }

  /** Counts since creation. */
  public Stats stats() {
    return new Stats(sent, delivered, dropped, duplicated);
  }

  /**
   * Message counts.
   *
   * @param sent messages passed to {@link #send}
   * @param delivered messages handed to an inbox (duplicates count twice)
   * @param dropped messages lost to faults, partitions or detached nodes
   * @param duplicated extra copies made
   */
  public record Stats(long sent, long delivered, long dropped, long duplicated) {}

  private record Link<A>(A from, A to) {}
}
