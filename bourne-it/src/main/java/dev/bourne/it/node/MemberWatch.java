package dev.bourne.it.node;

import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.Directory;
import dev.bourne.convoy.api.HealthEvent;
import dev.bourne.convoy.api.Listener;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.api.MembershipEvent;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this node's Convoy member has seen happen to every other member since the node started:
 * how often each was suspected and marked failed, and which members it knew (so that a listing
 * can show failed and departed members, which the directory's {@code all()} leaves out; members
 * already failed or gone in the state the node restarted from are not among them until they
 * change again). Events Convoy dropped for a slow listener are counted in {@link #missed}.
 * Operators and the fault tests read it through {@code /v1/members?all=true}: a suspicion of a
 * member that never stopped is a false suspicion.
 *
 * <p>Thread-safe: Convoy delivers events on its listener thread, readers read at any time.
 */
final class MemberWatch implements AutoCloseable {
  /** Counts for one member. */
  record Counts(long suspected, long failed) {}

  private final Map<NodeId, AtomicLong> suspected = new ConcurrentHashMap<>();
  private final Map<NodeId, AtomicLong> failed = new ConcurrentHashMap<>();
  private final Set<NodeId> known = ConcurrentHashMap.newKeySet();
  private final AtomicLong missed = new AtomicLong();
  private final AutoCloseable health;
  private final AutoCloseable membership;

  MemberWatch(Directory directory) {
    directory.all().forEach(m -> known.add(m.id()));
    this.health = directory.onHealth(new Listener<HealthEvent>() {
      @Override
      public void onEvent(HealthEvent e) {
        known.add(e.member().id());
        if (e.health() == MemberState.SUSPECT) {
          suspected.computeIfAbsent(e.member().id(), id -> new AtomicLong()).incrementAndGet();
        } else if (e.health() == MemberState.FAILED) {
          failed.computeIfAbsent(e.member().id(), id -> new AtomicLong()).incrementAndGet();
        }
      }

      @Override
      public void onLagged(long count) {
        missed.addAndGet(count); // the counts are then too low, and say so through missed()
      }
    });
    this.membership = directory.onMembership(new Listener<MembershipEvent>() {
      @Override
      public void onEvent(MembershipEvent e) {
        known.add(e.member().id());
      }

      @Override
      public void onLagged(long count) {
        missed.addAndGet(count);
      }
    });
  }

  /** Health and membership events Convoy dropped before this watch saw them (its counts are low by as many). */
  long missed() {
    return missed.get();
  }

  /** Every member this node knew since it started, whatever its state now. */
  Set<NodeId> known() {
    return Set.copyOf(known);
  }

  /** How often this node saw {@code id} suspected and failed. */
  Counts counts(NodeId id) {
    AtomicLong s = suspected.get(id);
    AtomicLong f = failed.get(id);
    return new Counts(s == null ? 0 : s.get(), f == null ? 0 : f.get());
  }

  @Override
  public void close() {
    try {
      health.close();
      membership.close();
    } catch (Exception e) {
      // Convoy's listener handles only unregister; nothing to recover here.
    }
  }

}
