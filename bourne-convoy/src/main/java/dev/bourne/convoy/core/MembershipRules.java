package dev.bourne.convoy.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.api.MembershipEvent;
import dev.bourne.convoy.core.MemberTable.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SWIM membership rules of one member: how alive, suspect, failed, left, evicted and item
 * updates change the member table, including this member's refutations (an accusation at or above
 * its incarnation raises it) and the Lifeguard suspicion timers (which it owns). Changes are
 * queued for dissemination and reported as events.
 *
 * <p>Precedence for another member, by incarnation: a higher incarnation always wins; at the same
 * incarnation alive &lt; suspect &lt; failed; left ends a life; evicted is permanent. Absurd counters
 * (negative or above 2^48), wildcard addresses and unknown members' accusations are dropped.
 *
 * <p>Not thread-safe; owned by {@link SwimCore}.
 */
final class MembershipRules {
  private final SwimCore core;
  private final ProtocolConfig config;
  private final NodeId selfId;
  private final MemberTable table;
  private final Entry self;
  private final BroadcastQueue queue;
  private final LocalHealth health;
  private final Outbox out;
  private final TreeMap<NodeId, Suspicion> suspicions = new TreeMap<>();
  private NodeId mergingFrom;
  private boolean mergingJoinReply;

  MembershipRules(SwimCore core, ProtocolConfig config, MemberTable table, Entry self, BroadcastQueue queue,
      LocalHealth health, Outbox out) {
    this.core = core;
    this.config = config;
    this.selfId = self.id;
    this.table = table;
    this.self = self;
    this.queue = queue;
    this.health = health;
    this.out = out;
  }

  /** The earliest suspicion deadline, or {@code Long.MAX_VALUE}. */
  long nextDeadline() {
    long t = Long.MAX_VALUE;
    for (Suspicion s : suspicions.values()) {
      t = Math.min(t, s.deadlineNanos());
    }
    return t;
  }


  void applyAll(long now, List<Update> updates) {
    for (Update u : updates) {
      apply(now, u);
    }
  }

  void apply(long now, Update u) {
    if (u instanceof Update.Alive a) {
      onAlive(now, a);
    } else if (u instanceof Update.Suspect s) {
      onSuspect(now, s);
    } else if (u instanceof Update.Failed f) {
      onFailed(now, f);
    } else if (u instanceof Update.Left l) {
      onLeft(now, l);
    } else if (u instanceof Update.Evicted e) {
      onEvicted(now, e);
    } else if (u instanceof Update.ItemUpdate i) {
      onItem(i);
    } else {
      throw new AssertionError("unhandled update " + u.getClass());
    }
  }

  /**
   * Queues news for dissemination. News learned in a merge is queued too (as memberlist does): a
   * difference that anti-entropy found is news that gossip failed to bring to someone, so it is
   * passed on. The one exception is the join reply a joiner merges: the seed's table is old news to
   * everyone but the joiner, so only what it says about the seed itself (and about us) is queued;
   * the seed is already gossiping its newest arrivals first hand.
   */
  void broadcast(Update u) {
    if (!mergingJoinReply || u.subject().equals(mergingFrom) || u.subject().equals(selfId)) {
      queue.enqueue(u);
    }
  }

  boolean absurd(long counter) {
    if (counter < 0 || counter > MemberTable.MAX_COUNTER) {
      core.reject();
      return true;
    }
    return false;
  }

  void onAlive(long now, Update.Alive a) {
    if (absurd(a.incarnation()) || absurd(a.generation()) || a.generation() > a.incarnation()
        || a.address().isWildcard()) {
      if (a.address().isWildcard()) {
        core.reject();
      }
      return;
    }
    if (a.id().equals(selfId)) {
      if (a.incarnation() > self.incarnation && !core.hasLeft()) {
        refute(now, a.incarnation());
      }
      return;
    }
    Entry e = table.get(a.id());
    if (e == null) {
      if (table.isFull()) {
        core.reject();
        return;
      }
      replaceAtAddress(now, a.address(), a.id());
      e = new Entry(a.id(), a.address(), a.incarnation(), a.generation(), MemberState.ALIVE, now);
      table.add(e);
      core.changed();
      core.arrived(e.id);
      broadcast(a);
      out.membership(MembershipEvent.Kind.JOINED, e.view());
      return;
    }
    if (e.state == MemberState.EVICTED || a.incarnation() <= e.incarnation) {
      return;
    }
    MemberState before = e.state;
    e.incarnation = a.incarnation();
    e.address = a.address();
    e.state = MemberState.ALIVE;
    e.sinceNanos = now;
    if (a.generation() > e.generation) {
      e.generation = a.generation();
      e.clearItems();
    }
    suspicions.remove(e.id);
    core.changed();
    broadcast(a);
    if (before == MemberState.FAILED || before == MemberState.LEFT) {
      core.arrived(e.id);
      out.membership(MembershipEvent.Kind.JOINED, e.view());
    }
    if (before != MemberState.ALIVE && before != MemberState.LEFT) {
      out.health(MemberState.ALIVE, e.view());
    }
  }

  void onSuspect(long now, Update.Suspect s) {
    if (absurd(s.incarnation())) {
      return;
    }
    if (s.id().equals(selfId)) {
      if (s.incarnation() >= self.incarnation && !core.hasLeft()) {
        health.adjust(1);
        refute(now, s.incarnation());
      }
      return;
    }
    Entry e = table.get(s.id());
    if (e == null || s.incarnation() < e.incarnation || !e.state.isActive()) {
      return;
    }
    Suspicion current = suspicions.get(e.id);
    if (e.state == MemberState.SUSPECT && current != null && current.incarnation() == s.incarnation()) {
      if (current.confirm(s.from())) {
        broadcast(s);
      }
      return;
    }
    boolean wasAlive = e.state == MemberState.ALIVE;
    e.incarnation = s.incarnation();
    e.state = MemberState.SUSPECT;
    e.sinceNanos = now;
    int n = table.activeCount();
    int expected = Math.max(0, Math.min(config.suspicionMult() - 2, n - 2));
    long min = config.suspicionMinNanos(n);
    long max = config.suspicionMaxNanos(n);
    if (s.from().equals(selfId)) {
      // Our own accusation: if we are the struggling one, give the accused longer to refute.
      min = health.scale(min);
      max = health.scale(max);
    }
    suspicions.put(e.id, new Suspicion(s.incarnation(), s.from(), now, min, max, expected));
    core.changed();
    broadcast(s);
    if (wasAlive) {
      out.health(MemberState.SUSPECT, e.view());
    }
  }

  void onFailed(long now, Update.Failed f) {
    if (absurd(f.incarnation())) {
      return;
    }
    if (f.id().equals(selfId)) {
      if (f.incarnation() >= self.incarnation && !core.hasLeft()) {
        refute(now, f.incarnation());
      }
      return;
    }
    Entry e = table.get(f.id());
    if (e == null || f.incarnation() < e.incarnation || !e.state.isActive()) {
      return;
    }
    e.incarnation = f.incarnation();
    e.state = MemberState.FAILED;
    e.sinceNanos = now;
    suspicions.remove(e.id);
    core.changed();
    broadcast(f);
    out.health(MemberState.FAILED, e.view());
    // A new process at the same address already took over: forget the old one now.
    for (Entry other : table.atAddress(e.address, e.id)) {
      if (other.state.isActive()) {
        reapEntry(e);
        break;
      }
    }
  }

  void onLeft(long now, Update.Left l) {
    if (absurd(l.incarnation())) {
      return;
    }
    if (l.id().equals(selfId)) {
      if (l.incarnation() >= self.incarnation && !core.hasLeft()) {
        refute(now, l.incarnation());
      }
      return;
    }
    Entry e = table.get(l.id());
    if (e == null || l.incarnation() < e.incarnation
        || e.state == MemberState.LEFT || e.state == MemberState.EVICTED) {
      return;
    }
    e.incarnation = l.incarnation();
    e.state = MemberState.LEFT;
    e.sinceNanos = now;
    suspicions.remove(e.id);
    core.changed();
    broadcast(l);
    out.membership(MembershipEvent.Kind.LEFT, e.view());
  }

  void onEvicted(long now, Update.Evicted ev) {
    if (absurd(ev.incarnation())) {
      return;
    }
    if (ev.id().equals(selfId)) {
      if (!core.isEvicted()) {
        core.markEvicted();
        self.state = MemberState.EVICTED;
        core.changed();
        out.event(new CoreEvent.SelfEvicted());
      }
      return;
    }
    Entry e = table.get(ev.id());
    if (e == null || e.state == MemberState.EVICTED) {
      return;
    }
    e.state = MemberState.EVICTED;
    e.sinceNanos = now;
    e.clearItems();
    suspicions.remove(e.id);
    core.changed();
    broadcast(ev);
    out.membership(MembershipEvent.Kind.EVICTED, e.view());
  }

  void onItem(Update.ItemUpdate u) {
    if (u.owner().equals(selfId)) {
      Item mine = self.item(u.key());
      if (u.item().version() > mine.version() && table.checkItem(u.key(), u.item()) == null && !core.hasLeft()) {
        // Someone claims a newer version of our own key than we wrote: re-assert ours above it.
        core.reject();
        core.reassertOwnItem(u.key(), u.item().version());
      }
      return;
    }
    switch (table.mergeItem(u)) {
      case APPLIED -> {
        core.changed();
        broadcast(u);
      }
      case REJECTED -> core.reject();
      case STALE -> { }
    }
  }

  void refute(long now, long accusedIncarnation) {
    self.incarnation = Math.min(MemberTable.MAX_COUNTER, Math.max(self.incarnation, accusedIncarnation) + 1);
    self.state = MemberState.ALIVE;
    core.changed();
    out.event(new CoreEvent.IncarnationChanged(self.incarnation));
    queue.enqueue(aliveOfSelf());
  }

  void replaceAtAddress(long now, HostPort address, NodeId newcomer) {
    for (Entry old : table.atAddress(address, newcomer)) {
      if (!old.state.isActive() && old != self) {
        reapEntry(old);
      }
    }
  }

  void reapEntry(Entry e) {
    table.remove(e.id);
    suspicions.remove(e.id);
    core.changed();
    out.membership(MembershipEvent.Kind.REAPED, e.view());
  }

  Update.Alive aliveOfSelf() {
    return new Update.Alive(selfId, self.address, self.incarnation, self.generation);
  }

  void expireSuspicions(long now) {
    List<NodeId> due = new ArrayList<>();
    for (Map.Entry<NodeId, Suspicion> s : suspicions.entrySet()) {
      Suspicion sus = s.getValue();
      if (sus.deadlineNanos() <= now) {
        due.add(s.getKey());
      } else if (sus.startedBy(selfId) && now >= sus.nextAnnounceNanos()
          && !queue.contains(new Update.MemberKey(s.getKey()))) {
        // Our accusation may have been lost (perhaps we were the one cut off): say it again, once a
        // probe period, so the accused gets every chance to hear it and refute before the deadline.
        sus.announcedAt(now + config.probeIntervalNanos());
        queue.enqueue(new Update.Suspect(s.getKey(), sus.incarnation(), selfId));
      }
    }
    for (NodeId id : due) {
      Suspicion s = suspicions.remove(id);
      Entry e = table.get(id);
      if (e != null && e.state == MemberState.SUSPECT && e.incarnation == s.incarnation()) {
        onFailed(now, new Update.Failed(id, s.incarnation(), selfId));
      }
    }
  }

  /** If {@code target} is suspect here, the suspicion to hand it directly so it can refute at once. */
  List<Update> buddyNotice(Entry target) {
    Suspicion sus = suspicions.get(target.id);
    if (target.state == MemberState.SUSPECT && sus != null) {
      return List.of(new Update.Suspect(target.id, target.incarnation, selfId));
    }
    return List.of();
  }

  void suspectFromProbe(long now, Entry target) {
    onSuspect(now, new Update.Suspect(target.id, target.incarnation, selfId));
  }

  /**
   * Merges another member's records and items (a push-pull, or the buckets of a digest exchange);
   * {@code joinReply} when they are the seed's answer to this member's join.
   */
  void mergeState(long now, NodeId sender, List<Message.MemberRecord> records, List<Update.ItemUpdate> items,
      boolean joinReply) {
    mergingFrom = sender;
    mergingJoinReply = joinReply;
    try {
      mergeRecords(now, sender, records, items);
    } finally {
      mergingFrom = null;
      mergingJoinReply = false;
    }
  }

  private void mergeRecords(long now, NodeId sender, List<Message.MemberRecord> records,
      List<Update.ItemUpdate> items) {
    for (Message.MemberRecord r : records) {
      switch (r.state()) {
        case ALIVE -> onAlive(now, new Update.Alive(r.id(), r.address(), r.incarnation(), r.generation()));
        case SUSPECT -> {
          onAlive(now, new Update.Alive(r.id(), r.address(), r.incarnation(), r.generation()));
          Entry e = table.get(r.id());
          // The sender may only be relaying someone else's accusation: let it start a suspicion
          // here, but never count it as an independent confirmation.
          if (r.id().equals(selfId) || (e != null && e.state == MemberState.ALIVE)) {
            onSuspect(now, new Update.Suspect(r.id(), r.incarnation(), sender));
          }
        }
        case FAILED -> onFailed(now, new Update.Failed(r.id(), r.incarnation(), sender));
        case LEFT -> onLeft(now, new Update.Left(r.id(), r.incarnation()));
        case EVICTED -> onEvicted(now, new Update.Evicted(r.id(), r.incarnation()));
      }
    }
    for (Update.ItemUpdate i : items) {
      onItem(i);
    }
  }

}
