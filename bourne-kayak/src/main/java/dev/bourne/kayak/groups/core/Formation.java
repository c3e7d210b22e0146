package dev.bourne.kayak.groups.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.ClusterId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Bootstrap-expect, as a pure function of what the directory shows: when a member without state
 * for a group forms it, joins it, or waits. Deterministic and free of I/O and clocks, so that the
 * simulator checks it under every interleaving it finds.
 *
 * <p>The rules, for a group expected to form with E voters:
 * <ol>
 *   <li>If a present member advertises the group's cluster id, the group exists: join it. Two ids
 *       for one group is a conflict, reported, never resolved by guessing.
 *   <li>Voter candidates are the present members that want to vote, this one included. All of them
 *       must expect the same E; a mismatch is a conflict on every member.
 *   <li>Each candidate proposes S, the E lowest ids among the candidates it knows (failed ones
 *       included, until gossip forgets them), and publishes a digest of it.
 *   <li>Only the lowest id of S bootstraps, with exactly S as voters, and only once every member of
 *       S is alive and proposes S, and every other alive candidate proposes S too. The others join
 *       once its cluster id shows up.
 * </ol>
 * Why this never forms two clusters for one group: a member bootstraps once (it then belongs to a
 * cluster for good), and proposals only move to lower ids as a member learns of more candidates.
 * A second set T bootstrapped by a lower id than S's would need S's bootstrapper, or a member of S,
 * to propose T; a member proposes T only once it knows T's lower ids, after which S's bootstrapper
 * is no longer the lowest of what it proposes, and S's own members no longer propose S. What this
 * cannot rule out is two sets of E candidates that never heard of each other before both formed
 * (a partition from the first moment, or a directory entry older than its member's bootstrap seen
 * across a partition): with fewer than 2E candidates that is impossible too, as each cluster needs
 * a majority of its voters and a member belongs to one cluster only.
 */
public final class Formation {
  private Formation() {}

  /**
   * What {@code self} should do, given every other member's advert for the same group in its
   * directory ({@code self} itself may be among them; it counts as alive).
   *
   * @throws IllegalArgumentException if {@code self} already belongs to a cluster (it resumes it;
   *     formation is for members without one)
   */
  public static Decision decide(Advert self, Collection<Seen> view) {
    return decide(self, view, Comparator.naturalOrder());
  }

  /**
   * As {@link #decide(Advert, Collection)}, with candidates ranked by {@code order} instead of by
   * id (placement ranks them by rendezvous score): the first E of them form the group. The rules
   * hold for any total order that every member applies alike.
   */
  public static Decision decide(Advert self, Collection<Seen> view, Comparator<NodeId> order) {
    if (self.cluster().isPresent()) {
      throw new IllegalArgumentException(self.member() + " already belongs to cluster " + self.cluster().get());
    }
    List<Seen> others = others(self, view);
    Map<ClusterId, List<Seen>> clusters = others.stream().filter(s -> s.advert().cluster().isPresent())
        .collect(Collectors.groupingBy(s -> s.advert().cluster().get(),
            () -> new TreeMap<>(java.util.Comparator.comparing(ClusterId::toString)), Collectors.toList()));
    if (clusters.size() > 1) {
      StringBuilder b = new StringBuilder("group " + self.group() + " has members of " + clusters.size()
          + " clusters:");
      clusters.forEach((c, members) -> b.append(' ').append(c.shortString()).append(" (").append(members.stream()
          .map(s -> s.advert().member().shortString()).collect(Collectors.joining(", "))).append(')'));
      return new Decision.Conflict(b.append("; remove the wrong members' data or rename a group").toString());
    }
    if (clusters.size() == 1) {
      Map.Entry<ClusterId, List<Seen>> c = clusters.entrySet().iterator().next();
      List<HostPort> through = c.getValue().stream().filter(Seen::alive).map(s -> s.advert().address()).toList();
      if (through.isEmpty()) {
        through = c.getValue().stream().map(s -> s.advert().address()).toList();
      }
      return new Decision.Join(c.getKey(), through);
    }
    if (!self.voter()) {
      return new Decision.Wait("group " + self.group() + " has no cluster yet; this member only ever is a learner");
    }
    List<Seen> mismatched = others.stream().filter(s -> s.advert().voter() && s.advert().expect() != self.expect())
        .toList();
    if (!mismatched.isEmpty()) {
      return new Decision.Conflict("group " + self.group() + ": this member (" + self.member().shortString()
          + ") expects " + self.expect() + " voters but " + mismatched.stream().map(s -> s.advert().member()
              .shortString() + " expects " + s.advert().expect()).collect(Collectors.joining(", ")));
    }
    SortedMap<NodeId, HostPort> candidates = candidates(self, others, order);
    if (candidates.size() < self.expect()) {
      return new Decision.Wait("group " + self.group() + ": " + candidates.size() + " of " + self.expect()
          + " voter candidates known");
    }
    SortedMap<NodeId, HostPort> set = lowest(candidates, self.expect());
    NodeId first = set.firstKey();
    if (!first.equals(self.member())) {
      return new Decision.Wait("group " + self.group() + ": " + first.shortString() + " bootstraps it");
    }
    String digest = digest(set.keySet());
    for (Seen s : others) {
      Advert a = s.advert();
      if (!a.voter()) {
        continue;
      }
      boolean inSet = set.containsKey(a.member());
      if (inSet && !s.alive()) {
        return new Decision.Wait("group " + self.group() + ": voter " + a.member().shortString() + " is " + s.health());
      }
      if ((inSet || s.alive()) && !a.proposal().equals(Optional.of(digest))) {
        return new Decision.Wait("group " + self.group() + ": " + a.member().shortString()
            + " does not propose the same voters yet");
      }
    }
    return new Decision.Bootstrap(set);
  }

  /**
   * The digest of the voters {@code self} would form the group with, to publish while it forms;
   * empty while fewer than E candidates are known or the group already has a cluster.
   */
  public static Optional<String> proposal(Advert self, Collection<Seen> view) {
    return proposal(self, view, Comparator.naturalOrder());
  }

  /** As {@link #proposal(Advert, Collection)}, with candidates ranked by {@code order}. */
  public static Optional<String> proposal(Advert self, Collection<Seen> view, Comparator<NodeId> order) {
    if (!self.voter() || self.cluster().isPresent()) {
      return Optional.empty();
    }
    List<Seen> others = others(self, view);
    if (others.stream().anyMatch(s -> s.advert().cluster().isPresent())) {
      return Optional.empty();
    }
    SortedMap<NodeId, HostPort> candidates = candidates(self, others, order);
    if (candidates.size() < self.expect()) {
      return Optional.empty();
    }
    return Optional.of(digest(lowest(candidates, self.expect()).keySet()));
  }

  /** The digest of a set of voters: 16 hex digits of SHA-256 over their ids in order. */
  public static String digest(Collection<NodeId> voters) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (NodeId id : new java.util.TreeSet<>(voters)) {
        sha.update(id.toString().getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ',');
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }

  private static List<Seen> others(Advert self, Collection<Seen> view) {
    List<Seen> out = new ArrayList<>();
    for (Seen s : view) {
      if (s.present() && s.advert().group().equals(self.group()) && !s.advert().member().equals(self.member())) {
        out.add(s);
      }
    }
    return out;
  }

  private static SortedMap<NodeId, HostPort> candidates(Advert self, List<Seen> others, Comparator<NodeId> order) {
    SortedMap<NodeId, HostPort> c = new TreeMap<>(order);
    c.put(self.member(), self.address());
    for (Seen s : others) {
      if (s.advert().voter()) {
        c.put(s.advert().member(), s.advert().address());
      }
    }
    return c;
  }

  private static SortedMap<NodeId, HostPort> lowest(SortedMap<NodeId, HostPort> candidates, int n) {
    SortedMap<NodeId, HostPort> out = new TreeMap<>(candidates.comparator());
    for (Map.Entry<NodeId, HostPort> e : candidates.entrySet()) {
      if (out.size() == n) {
        break;
      }
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }
}
