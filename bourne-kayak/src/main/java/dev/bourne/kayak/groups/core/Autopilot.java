package dev.bourne.kayak.groups.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.groups.AutopilotConfig;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The leader's autopilot for one group, as a pure state machine: fed the configuration and the
 * directory with the time, it names the next change, one at a time. It remembers since when each
 * member looks healthy or dead, so that a flapping member is neither promoted nor removed.
 *
 * <p>In order of precedence: remove a learner dead for longer than {@code deadAfter}; add as a
 * learner a member of the cluster that the configuration lacks (a new member, or one removed that
 * came back); promote the learner healthy for longest (at least {@code stabilization}) while fewer
 * voters than the target are alive (a voter counts until it has been dead for the stabilization
 * time, so that a slow or briefly failed voter does not grow the voters past the target); remove a voter dead for longer than {@code deadAfter},
 * but only while the dead voters are at most {@code (voters - 1) / 2} (beyond that the quorum is
 * already at stake and removing would make it worse) and at least {@code minQuorum} voters remain.
 * A voter is replaced by promoting first, then removing: the configuration never shrinks below the
 * quorum of the old one during a replacement.
 *
 * <p>A member is healthy if it advertises this cluster and gossip has it alive; dead if gossip has
 * it failed, it left, or it no longer advertises this cluster; neither while it is suspected.
 * Not thread-safe: one caller, on the leader.
 */
public final class Autopilot {
  private final AutopilotConfig config;
  private final int target;
  private final int expect;
  private final Map<NodeId, Long> healthySince = new HashMap<>();
  private final Map<NodeId, Long> deadSince = new HashMap<>();

  /**
   * @param config the knobs
   * @param expect the group's expected size: the target voter count when the config leaves it at 0
   */
  public Autopilot(AutopilotConfig config, int expect) {
    this.config = config;
    this.expect = expect;
    int t = config.targetVoters() == 0 ? expect : config.targetVoters();
    this.target = t % 2 == 0 ? t - 1 : t; // an even expect counts as the odd number below it
  }

  /** The voter count the autopilot keeps. */
  public int target() {
    return target;
  }

  /**
   * The next change to make, if any.
   *
   * @param nowNanos the time, from the caller's clock
   * @param self the leader (always healthy)
   * @param cluster the group's cluster id
   * @param roster the current configuration
   * @param adverts every advert for the group the leader's directory shows
   */
  public Optional<Action> next(long nowNanos, NodeId self, ClusterId cluster, List<Member> roster,
      Collection<Seen> adverts) {
    return next(nowNanos, self, cluster, roster, adverts, Optional.empty());
  }

  /**
   * As {@link #next(long, NodeId, ClusterId, List, Collection)} for a placed group: {@code
   * placement} are the members that should host it. Only they are added and promoted (up to all of
   * them); once every one of them is a voter, the members outside it are removed, one at a time
   * (a move is add, promote, then remove: a quorum of the old placement stays in the
   * configuration throughout).
   */
  public Optional<Action> next(long nowNanos, NodeId self, ClusterId cluster, List<Member> roster,
      Collection<Seen> adverts, Optional<List<NodeId>> placement) {
    Map<NodeId, Seen> byMember = byMember(adverts);
    Map<NodeId, Member> configured = configured(roster);
    track(nowNanos, self, cluster, configured, byMember);

    for (Member m : configured.values()) {
      if (!m.voter() && deadFor(m.id(), nowNanos) >= config.deadAfter().toNanos()) {
        return Optional.of(new Action.Remove(m.id(), "learner dead for " + millis(deadFor(m.id(), nowNanos)) + " ms"));
      }
    }
    for (Seen s : byMember.values()) {
      Advert a = s.advert();
      if (!configured.containsKey(a.member()) && s.alive() && a.cluster().equals(Optional.of(cluster))
          && placement.map(p -> p.contains(a.member())).orElse(true)) {
        return Optional.of(new Action.AddLearner(a.member(), a.address(), "alive member of the cluster outside"
            + " the configuration"));
      }
    }
    // A voter counts until it has been dead for the stabilization time: promoting on suspicion or a
    // short failure would grow the voters past the target whenever a voter is slow for a moment,
    // and nothing shrinks them again.
    long grace = Math.max(1, config.stabilization().toNanos());
    long healthyVoters = configured.values().stream()
        .filter(m -> m.voter() && deadFor(m.id(), nowNanos) < grace
            && placement.map(p -> p.contains(m.id())).orElse(true))
        .count();
    int goal = placement.map(List::size).orElse(target);
    long votersNow = configured.values().stream().filter(Member::voter).count();
    // A placed group moves one member at a time: at most one voter beyond the placement, so that
    // members moved off standing down together never cost the quorum.
    boolean room = placement.isEmpty() || votersNow < goal + 1;
    if (healthyVoters < goal && room) {
      NodeId best = null;
      long bestSince = Long.MAX_VALUE;
      for (Member m : configured.values()) {
        Seen s = byMember.get(m.id());
        Long since = healthySince.get(m.id());
        if (!m.voter() && since != null && s != null && s.advert().voter()
            && placement.map(p -> p.contains(m.id())).orElse(true)
            && nowNanos - since >= config.stabilization().toNanos() && since < bestSince) {
          best = m.id();
          bestSince = since;
        }
      }
      if (best != null) {
        return Optional.of(new Action.Promote(best, healthyVoters + " alive voters of " + goal + "; healthy for "
            + millis(nowNanos - bestSince) + " ms"));
      }
    }
    // Only a full placement moves the group: with fewer eligible members than the replication, a
    // member outside it may be one that failed, which the dead-voter rule below handles (bounded).
    if (placement.isPresent() && placement.get().size() >= expect) {
      Member out = null;
      for (Member m : configured.values()) { // learners first, this leader last
        boolean removable = !m.voter() || votersNow > placement.get().size();
        if (!placement.get().contains(m.id()) && removable && (out == null || rank(m, self) < rank(out, self))) {
          out = m;
        }
      }
      if (out != null) {
        return Optional.of(new Action.Remove(out.id(), "not placed here; " + votersNow + " voters for a placement of "
            + placement.get().size()));
      }
    }
    List<Member> voters = configured.values().stream().filter(Member::voter).toList();
    List<Member> deadVoters = voters.stream()
        .filter(m -> deadFor(m.id(), nowNanos) >= config.deadAfter().toNanos()).toList();
    if (!deadVoters.isEmpty() && deadVoters.size() <= (voters.size() - 1) / 2
        && voters.size() - 1 >= config.minQuorum()) {
      Member m = deadVoters.get(0);
      return Optional.of(new Action.Remove(m.id(), "voter dead for " + millis(deadFor(m.id(), nowNanos)) + " ms; "
          + deadVoters.size() + " of " + voters.size() + " voters dead"));
    }
    return Optional.empty();
  }

  /**
   * Follows the members' health without deciding anything: called on every member that does not
   * lead, so that a member that becomes leader judges by what it saw meanwhile, not by timestamps
   * from its last term (a member dead then, alive since and dead again is not removed at once).
   */
  public void observe(long nowNanos, NodeId self, ClusterId cluster, List<Member> roster, Collection<Seen> adverts) {
    track(nowNanos, self, cluster, configured(roster), byMember(adverts));
  }

  private static Map<NodeId, Seen> byMember(Collection<Seen> adverts) {
    Map<NodeId, Seen> byMember = new TreeMap<>();
    for (Seen s : adverts) {
      byMember.put(s.advert().member(), s);
    }
    return byMember;
  }

  private static Map<NodeId, Member> configured(List<Member> roster) {
    Map<NodeId, Member> configured = new TreeMap<>();
    roster.forEach(m -> configured.put(m.id(), m));
    return configured;
  }

  private void track(long now, NodeId self, ClusterId cluster, Map<NodeId, Member> configured,
      Map<NodeId, Seen> byMember) {
    healthySince.keySet().retainAll(configured.keySet());
    deadSince.keySet().retainAll(configured.keySet());
    for (NodeId id : configured.keySet()) {
      Seen s = byMember.get(id);
      boolean healthy = id.equals(self) || s != null && s.alive() && s.advert().cluster().equals(Optional.of(cluster));
      boolean dead = !id.equals(self) && (s == null || !s.present() || s.health() == dev.bourne.convoy.api.MemberState.FAILED
          || !s.advert().cluster().equals(Optional.of(cluster)));
      if (healthy) {
        healthySince.putIfAbsent(id, now);
      } else {
        healthySince.remove(id);
      }
      if (dead) {
        deadSince.putIfAbsent(id, now);
      } else {
        deadSince.remove(id);
      }
    }
  }

  private static int rank(Member m, NodeId self) {
    return m.id().equals(self) ? 2 : m.voter() ? 1 : 0;
  }

  private long deadFor(NodeId id, long now) {
    Long since = deadSince.get(id);
    return since == null ? -1 : now - since;
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}
