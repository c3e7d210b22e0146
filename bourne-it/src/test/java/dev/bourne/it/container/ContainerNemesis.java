package dev.bourne.it.container;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * Faults on a {@link ContainerCluster}, one step at a time on a schedule drawn from a seed: wait a
 * little, make a fault (or two at once), hold it, heal it (filters lifted, frozen nodes resumed,
 * killed nodes started again); until the deadline. The seed fixes the kinds, lengths and random
 * targets of the faults; faults aimed at "the leader" hit whichever node leads at that moment, so a
 * replay is close, not identical. {@link #healAll} leaves every node running, unfrozen and fully
 * connected.
 */
final class ContainerNemesis {
  /** The faults this nemesis makes. */
  enum Fault {
    /** The nodes split into two random halves that cannot reach each other. */
    HALVES,
    /** A group's leader cut off from every other node. */
    ISOLATE_LEADER,
    /** Every node reaches only its two neighbours on a ring: each sees a different majority (5 nodes or more). */
    MAJORITY_RING,
    /** One node's packets stop reaching another, while the other's still reach it (often the leader's). */
    ONE_WAY,
    /** A node frozen (often the leader), as in a long GC pause. */
    PAUSE,
    /** A node killed (often the leader), then started again on its data. */
    KILL,
    /** A partition and a pause or a kill at the same time. */
    COMBINED
  }

  private final ContainerCluster cluster;
  private final Random rnd;
  private final List<Fault> faults;
  private final Map<String, NodeContainer> byId = new HashMap<>();
  private final Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final List<NodeContainer> paused = new ArrayList<>();
  private final List<NodeContainer> killed = new ArrayList<>();
  private final long started = System.nanoTime();

  ContainerNemesis(ContainerCluster cluster, Random rnd, List<Fault> faults) {
    this.cluster = cluster;
    this.rnd = rnd;
    this.faults = List.copyOf(faults);
    for (NodeContainer n : cluster.running()) {
      byId.put(n.id(), n);
    }
  }

  /** Runs faults until {@code endNanos}, healing each; returns what it did. */
  List<String> run(long endNanos) throws Exception {
    while (System.nanoTime() < endNanos - 8_000_000_000L) {
      park(1000 + rnd.nextInt(2000));
      Fault f = faults.get(rnd.nextInt(faults.size()));
      long hold = 2000 + rnd.nextInt(4000);
      String what = make(f);
      counts.merge(f, 1, Integer::sum);
      record(what + " for " + hold + " ms");
      park(hold);
      healAll();
    }
    return List.copyOf(log);
  }

  /** How many times each fault was made. */
  Map<Fault, Integer> counts() {
    return Map.copyOf(counts);
  }

  private void record(String what) {
    log.add(String.format("%6.1f s %s", (System.nanoTime() - started) / 1e9, what));
  }

  private String make(Fault f) throws Exception {
    List<NodeContainer> nodes = cluster.running();
    return switch (f) {
      case HALVES -> {
        List<NodeContainer> shuffled = new ArrayList<>(nodes);
        Collections.shuffle(shuffled, rnd);
        List<NodeContainer> minority = shuffled.subList(0, nodes.size() / 2);
        List<NodeContainer> majority = shuffled.subList(nodes.size() / 2, shuffled.size());
        cut(minority, majority);
        yield "partition " + minority + " | " + majority;
      }
      case ISOLATE_LEADER -> {
        NodeContainer leader = leader().orElse(nodes.get(rnd.nextInt(nodes.size())));
        List<NodeContainer> rest = nodes.stream().filter(n -> n != leader).toList();
        cut(List.of(leader), rest);
        yield "isolate leader " + leader;
      }
      case MAJORITY_RING -> {
        int size = nodes.size();
        for (int i = 0; i < size; i++) {
          List<NodeContainer> far = new ArrayList<>();
          for (int j = 0; j < size; j++) {
            int distance = Math.min(Math.abs(i - j), size - Math.abs(i - j));
            if (distance > 1) {
              far.add(nodes.get(j));
            }
          }
          nodes.get(i).dropFrom(far);
        }
        yield "majority ring " + nodes;
      }
      case ONE_WAY -> {
        NodeContainer from = rnd.nextBoolean() ? leader().orElse(nodes.get(0)) : nodes.get(rnd.nextInt(nodes.size()));
        List<NodeContainer> others = nodes.stream().filter(n -> n != from).toList();
        for (NodeContainer to : others) {
          to.dropFrom(List.of(from));
        }
        yield "one-way: " + from + " cannot reach " + others + " (their packets still reach it)";
      }
      case PAUSE -> {
        NodeContainer victim = victim(nodes);
        victim.pause();
        paused.add(victim);
        yield "pause " + victim;
      }
      case KILL -> {
        NodeContainer victim = victim(nodes);
        victim.kill();
        killed.add(victim);
        yield "kill " + victim;
      }
      case COMBINED -> {
        String first = make(rnd.nextBoolean() ? Fault.HALVES : Fault.ONE_WAY);
        yield first + " + " + make(rnd.nextBoolean() ? Fault.PAUSE : Fault.KILL);
      }
    };
  }

  /** The leader of one of the groups (picked at random), if one is known. */
  private Optional<NodeContainer> leader() {
    for (NodeContainer n : cluster.running()) {
      NodeContainer.Answer a = n.get("/v1/groups");
      if (a.status() == 200 && a.body().size() > 0) {
        JsonNode g = a.body().get(rnd.nextInt(a.body().size()));
        return Optional.ofNullable(byId.get(g.path("leader").asText()));
      }
    }
    return Optional.empty();
  }

  /** Half of the time a group's leader, else any node. */
  private NodeContainer victim(List<NodeContainer> nodes) {
    Optional<NodeContainer> leader = rnd.nextBoolean() ? leader() : Optional.empty();
    return leader.filter(nodes::contains).orElse(nodes.get(rnd.nextInt(nodes.size())));
  }

  private static void cut(List<NodeContainer> a, List<NodeContainer> b) throws Exception {
    for (NodeContainer x : a) {
      x.dropFrom(b);
    }
    for (NodeContainer y : b) {
      y.dropFrom(a);
    }
  }

  /** Resumes frozen nodes, lifts every filter, restarts killed nodes. */
  void healAll() throws Exception {
    for (NodeContainer n : paused) {
      n.resume();
    }
    paused.clear();
    cluster.healNetwork();
    for (NodeContainer n : killed) {
      n.restart();
    }
    killed.clear();
  }

  private static void park(long millis) {
    LockSupport.parkNanos(millis * 1_000_000); // the nemesis's own schedule, not a wait for a condition
  }
}
