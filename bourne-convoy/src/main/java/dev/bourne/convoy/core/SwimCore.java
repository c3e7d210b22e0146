package dev.bourne.convoy.core;

import dev.bourne.common.error.ErrorCode;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.core.MemberTable.Entry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * The Convoy protocol core for one member: SWIM membership with Lifeguard suspicion and local
 * health, piggybacked dissemination, push-pull anti-entropy, and the member's own versioned store.
 *
 * <p>A pure, single-threaded state machine: no I/O, threads, locks or clocks. Inputs are messages
 * ({@link #receive}, {@link #answer}), time ({@link #tick}), and application requests ({@link
 * #put}, {@link #delete}, {@link #leave}, {@link #evict}, {@link #fail}); each input leaves
 * messages to send and events in an outbox the host takes with {@link #drain()}. Randomness comes
 * only from the injected {@link Random}; iteration is over sorted maps, so a seeded run is
 * reproducible exactly.
 *
 * <p>Not thread-safe: call from one thread.
 */
public final class SwimCore {
  private final ProtocolConfig config;
  private final Random random;
  private final NodeId selfId;
  private final MemberTable table;
  private final Entry self;
  private final BroadcastQueue queue;
  private final LocalHealth health;
  private final Prober prober;
  private final MembershipRules rules;
  private final Outbox out = new Outbox();
  private final Map<Long, List<BroadcastQueue.Entry>> inFlight = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, List<BroadcastQueue.Entry>> eldest) {
      return size() > 4096;
    }
  };
  private final List<HostPort> seeds = new ArrayList<>();
  private long lastOwnVersion;
  private long nextSendId = 1;
  private long nextGossipAt;
  private long nextPushPullAt;
  private long digestRepairs;
  // Digest exchanges still due soon after joining.
  private int followUps;
  private static final int JOIN_FOLLOW_UPS = 4;
  private long nextReapAt;
  private long nextRejoinAt;
  private long rejoinBackoff;
  private int rejoinCursor;
  private boolean left;
  private boolean evicted;
  private long rejected;
  private long changes;

  /**
   * Creates the core of a member starting a new life.
   *
   * @param selfId this member's permanent id
   * @param address its advertised address (never a wildcard)
   * @param incarnation its incarnation for this life: higher than any it used before (persisted)
   * @param ownItems its own store items restored from disk (may be empty)
   * @param lastOwnVersion the highest item version it ever wrote (0 if none)
   * @param nowNanos the current time
   * @throws IllegalArgumentException if the address is a wildcard or a counter is out of range
   */
  public SwimCore(ProtocolConfig config, Random random, NodeId selfId, HostPort address, long incarnation,
      Map<String, Item> ownItems, long lastOwnVersion, long nowNanos) {
    this.config = Objects.requireNonNull(config, "config");
    this.random = Objects.requireNonNull(random, "random");
    this.selfId = Objects.requireNonNull(selfId, "selfId");
    if (address.isWildcard()) {
      throw new IllegalArgumentException("advertised address must be routable, got " + address);
    }
    if (incarnation < 0 || incarnation > MemberTable.MAX_COUNTER) {
      throw new IllegalArgumentException("incarnation out of range: " + incarnation);
    }
    this.table = new MemberTable(config);
    this.self = new Entry(selfId, address, incarnation, incarnation, MemberState.ALIVE, nowNanos);
    for (Map.Entry<String, Item> e : new TreeMap<>(ownItems).entrySet()) {
      self.putItem(e.getKey(), e.getValue());
      lastOwnVersion = Math.max(lastOwnVersion, e.getValue().version());
    }
    this.lastOwnVersion = lastOwnVersion;
    table.add(self);
    this.queue = new BroadcastQueue(config.maxQueuedUpdates());
    this.health = new LocalHealth(config.awarenessMax());
    this.rules = new MembershipRules(this, config, table, self, queue, health, out);
    this.prober = new Prober(this, config, random);
    this.nextGossipAt = nowNanos + config.gossipIntervalNanos();
    this.nextPushPullAt = nowNanos + jitter(config.pushPullIntervalNanos());
    this.nextReapAt = nowNanos + config.probeIntervalNanos();
    this.rejoinBackoff = config.rejoinInitialBackoffNanos();
    this.nextRejoinAt = nowNanos + rejoinBackoff;
    prober.start(nowNanos);
    queue.enqueue(rules.aliveOfSelf());
  }

  // ---------------------------------------------------------------- inputs

  /** Takes what the last inputs produced: messages to send and events, in order. */
  public Ready drain() {
    return out.drain();
  }

  /** Sets the addresses an isolated member retries (with backoff) to rejoin the group. */
  public void setSeeds(List<HostPort> addresses) {
    seeds.clear();
    for (HostPort a : addresses) {
      if (!a.equals(self.address)) {
        seeds.add(a);
      }
    }
  }

  /** Advances time: probes, gossip, push-pull, suspicion timeouts, reaping, rejoin attempts. */
  public void tick(long now) {
    noteTime(now);
    if (evicted) {
      return;
    }
    prober.tick(now);
    rules.expireSuspicions(now);
    if (now >= nextGossipAt) {
      nextGossipAt = now + config.gossipIntervalNanos();
      gossip(now);
    }
    if (now >= nextPushPullAt) {
      if (followUps > 0) {
        followUps--;
        nextPushPullAt = now + (followUps > 0 ? config.probeIntervalNanos() : jitter(config.pushPullIntervalNanos()));
      } else {
        nextPushPullAt = now + jitter(config.pushPullIntervalNanos());
      }
      if (!left) {
        pushPull(now);
      }
    }
    if (now >= nextRejoinAt) {
      nextRejoinAt = now + rejoinBackoff;
      if (!left) {
        rejoinIfIsolated(now);
      }
    }
    if (now >= nextReapAt) {
      nextReapAt = now + config.probeIntervalNanos();
      reap(now);
    }
  }

  /** The next time {@link #tick} has something to do; a host may tick at this time or more often. */
  public long nextWakeNanos() {
    if (evicted) {
      return Long.MAX_VALUE;
    }
    long t = Math.min(nextGossipAt, Math.min(nextPushPullAt, Math.min(nextReapAt, nextRejoinAt)));
    t = Math.min(t, prober.nextWakeNanos());
    return Math.min(t, rules.nextDeadline());
  }

  /**
   * The answer to a TCP request this core sent (a push-pull or digest exchange) arrived from
   * {@code from}, the address the request went to.
   */
  public void receiveAnswer(long now, HostPort from, Message message) {
    noteTime(now);
    if (evicted) {
      return;
    }
    if (message instanceof Message.DigestReply r) {
      rules.mergeState(now, r.sender(), r.members(), r.items(), false);
      rejoinBackoff = config.rejoinInitialBackoffNanos();
      if (!r.differing().isEmpty()) {
        digestRepairs++;
        // Our side of the buckets that differ, so that the answerer repairs too. Sent as a
        // push-pull reply, which is merged and never answered: a datagram, or over the
        // connection if large. Best effort: if it is lost, a later exchange finds the difference.
        Message.PushPull mine = pushPullMessage(true, false, bucketsOf(r.differing()));
        out.send(new Send(from, mine, Channel.UDP, nextSendId++));
      }
      return;
    }
    receive(now, from, message);
    if (message instanceof Message.PushPull pp && pp.reply() && pp.join()) {
      // Joined: the seed answered our join request. Members that arrived at the same time are
      // learned fastest by asking: a digest exchange with a random member in each of the next few
      // protocol periods, before the regular interval (a burst of joins then converges like a
      // push-pull epidemic, in log N exchanges, instead of waiting for every queue to drain).
      // Only an answer to our own request arms this: a forged datagram cannot.
      followUps = JOIN_FOLLOW_UPS;
      nextPushPullAt = Math.min(nextPushPullAt, now + config.probeIntervalNanos());
    }
  }

  /** A datagram arrived. */
  public void receive(long now, HostPort from, Message message) {
    noteTime(now);
    if (evicted) {
      return;
    }
    if (message instanceof Message.Ping p) {
      rules.applyAll(now, p.updates());
      if (p.target().equals(selfId)) {
        sendWithUpdates(from, new Message.Ack(p.seq(), selfId, List.of()), Channel.UDP);
      }
    } else if (message instanceof Message.Ack a) {
      rules.applyAll(now, a.updates());
      prober.onAck(now, a);
    } else if (message instanceof Message.Nack n) {
      prober.onNack(now, n);
    } else if (message instanceof Message.PingReq r) {
      rules.applyAll(now, r.updates());
      prober.onPingReq(now, from, r);
    } else if (message instanceof Message.Gossip g) {
      rules.applyAll(now, g.updates());
    } else if (message instanceof Message.PushPull pp) {
      if (!pp.reply()) {
        // A full-state request must come as a TCP request (answer()); as a datagram it could make us
        // send our whole table to a forged source address.
        rejected++;
        return;
      }
      rules.mergeState(now, pp.sender(), pp.members(), pp.items(), pp.join());
      // A peer answered: we are connected, so a later isolation starts its backoff afresh.
      rejoinBackoff = config.rejoinInitialBackoffNanos();
    } else if (message instanceof Message.Digest || message instanceof Message.DigestReply) {
      // A digest is a TCP request (answer()) and its reply comes back as that call's answer
      // (receiveAnswer()); a datagram claiming either could make us send state to a forged address.
      rejected++;
    } else {
      throw new AssertionError("unhandled message " + message.getClass());
    }
  }

  /**
   * A TCP request arrived; returns the answer to send back on the same call (an {@link
   * Message.Ack} for a ping meant for this member, a {@link Message.PushPull} reply), or empty if
   * the request gets none.
   */
  public Optional<Message> answer(long now, HostPort from, Message request) {
    noteTime(now);
    if (evicted) {
      return Optional.empty();
    }
    if (request instanceof Message.Ping p) {
      rules.applyAll(now, p.updates());
      if (!p.target().equals(selfId)) {
        return Optional.empty();
      }
      return Optional.of(new Message.Ack(p.seq(), selfId, takeUpdates(new ArrayList<>())));
    }
    if (request instanceof Message.PushPull pp) {
      rules.mergeState(now, pp.sender(), pp.members(), pp.items(), false);
      // The answer to a join says so, so that the joiner knows what it merges is the seed's table.
      return pp.reply() ? Optional.empty() : Optional.of(pushPullMessage(true, pp.join()));
    }
    if (request instanceof Message.Digest d) {
      List<Integer> differing = TableSummary.differing(TableSummary.summarize(table), d.buckets());
      Message.PushPull part = pushPullMessage(true, false, bucketsOf(differing));
      return Optional.of(new Message.DigestReply(selfId, differing, part.members(), part.items()));
    }
    receive(now, from, request);
    return Optional.empty();
  }

  /** The host could not send message {@code sendId}: its updates are not counted as sent. */
  public void sendFailed(long now, long sendId) {
    List<BroadcastQueue.Entry> entries = inFlight.remove(sendId);
    if (entries != null) {
      queue.unsend(entries);
    }
    prober.onSendFailed(now, sendId);
  }

  /**
   * The push-pull request to send to a seed when joining (or rejoining). It also queues this
   * member's own alive update afresh: the joiner announces itself to random members as soon as its
   * join reply shows it some, alongside the seed's announcement, also when it rejoins after
   * sending its earlier announcement into an isolation.
   */
  public Message.PushPull joinRequest() {
    queue.enqueue(rules.aliveOfSelf());
    return pushPullMessage(false, true);
  }

  // ---------------------------------------------------------------- application requests

  /**
   * Writes {@code key = value} in this member's store if its current version is {@code
   * expectedVersion} (0 for an absent key), and disseminates it.
   *
   * @return the outcome; bad input (an empty, reserved or oversized key, an oversized value or
   *     member total) and a write after leaving are refusals with a reason and a code, and change
   *     nothing
   */
  public StoreWrite put(long now, String key, String value, long expectedVersion) {
    return write(key, value, false, expectedVersion);
  }

  /** Deletes {@code key} (leaving a tombstone) if its current version is {@code expectedVersion}. */
  public StoreWrite delete(long now, String key, long expectedVersion) {
    return write(key, "", true, expectedVersion);
  }

  /**
   * Result of a local write. A refusal (bad input, or a member that has left) carries its reason
   * and the error code a caller should see; a version mismatch is not a refusal.
   *
   * @param refusal why the write was refused, or null
   * @param code the code of the refusal ({@code BAD_REQUEST}, {@code RESERVED_KEY}, {@code
   *     TOO_LARGE} or {@code CLOSED}), or null
   */
  public record StoreWrite(boolean ok, Item item, String refusal, ErrorCode code) {
    StoreWrite(boolean ok, Item item) {
      this(ok, item, null, null);
    }
  }

  private StoreWrite write(String key, String value, boolean delete, long expected) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Item current = self.item(key);
    Item next = new Item(value, lastOwnVersion + 1, delete);
    String bad = table.checkItem(key, next);
    if (bad != null) {
      ErrorCode code = key.isEmpty() ? ErrorCode.BAD_REQUEST
          : key.startsWith(MemberTable.RESERVED_PREFIX) ? ConvoyException.RESERVED_KEY : ConvoyException.TOO_LARGE;
      return new StoreWrite(false, current, bad, code);
    }
    if (left || evicted) {
      return new StoreWrite(false, current, "member has left the group", ErrorCode.CLOSED);
    }
    if (current.version() != expected) {
      return new StoreWrite(false, current);
    }
    if (delete && (current.version() == 0 || current.deleted())) {
      return new StoreWrite(true, current);
    }
    int after = self.itemBytes - (current.version() == 0 ? 0 : MemberTable.itemSize(key, current))
        + MemberTable.itemSize(key, next);
    if (after > config.maxMemberBytes()) {
      return new StoreWrite(false, current,
          "member data would reach " + after + " bytes, over maxMemberBytes " + config.maxMemberBytes(),
          ConvoyException.TOO_LARGE);
    }
    setOwnItem(key, next);
    return new StoreWrite(true, next);
  }

  /** Someone forged a newer version of our own key: write ours again above it. */
  void reassertOwnItem(String key, long forgedVersion) {
    Item mine = self.item(key);
    lastOwnVersion = Math.max(lastOwnVersion, forgedVersion);
    Item again = mine.version() == 0 ? new Item("", lastOwnVersion + 1, true)
        : new Item(mine.value(), lastOwnVersion + 1, mine.deleted());
    setOwnItem(key, again);
  }

  void changed() {
    changes++;
  }

  void reject() {
    rejected++;
  }

  void markEvicted() {
    evicted = true;
  }

  private void setOwnItem(String key, Item item) {
    lastOwnVersion = item.version();
    self.putItem(key, item);
    changes++;
    queue.enqueue(new Update.ItemUpdate(selfId, self.generation, key, item));
    out.event(new CoreEvent.OwnItemChanged(key, item, lastOwnVersion));
  }

  /** Leaves gracefully: announces it and stops probing; keeps gossiping so the news spreads. */
  public void leave(long now) {
    if (left || evicted) {
      return;
    }
    left = true;
    self.incarnation++;
    self.state = MemberState.LEFT;
    self.sinceNanos = now;
    changes++;
    out.event(new CoreEvent.IncarnationChanged(self.incarnation));
    queue.enqueue(new Update.Left(selfId, self.incarnation));
    gossip(now);
  }

  /** True once the leave announcement was sent enough times, or there is no one to tell. */
  public boolean leaveDisseminated() {
    if (!left) {
      return false;
    }
    int sent = queue.transmits(new Update.MemberKey(selfId));
    return sent < 0 || sent >= config.fanout() || peers(false).isEmpty();
  }

  /**
   * Evicts a member permanently; it learns and closes, and its id never returns.
   *
   * @return false if the member is unknown, already evicted, or this member itself
   */
  public boolean evict(long now, NodeId id) {
    Entry e = table.get(id);
    if (e == null || id.equals(selfId) || e.state == MemberState.EVICTED) {
      return false;
    }
    rules.onEvicted(now, new Update.Evicted(id, e.incarnation));
    return true;
  }

  /**
   * Declares a member failed now; if alive, it refutes with a higher incarnation (a rejoin).
   *
   * @return false if the member is unknown, not active, or this member itself
   */
  public boolean fail(long now, NodeId id) {
    Entry e = table.get(id);
    if (e == null || id.equals(selfId) || !e.state.isActive()) {
      return false;
    }
    rules.onFailed(now, new Update.Failed(id, e.incarnation, selfId));
    return true;
  }

  // ---------------------------------------------------------------- views

  /** This member's id. */
  public NodeId id() {
    return selfId;
  }

  /** This member's current view of itself. */
  public Member self() {
    return self.view();
  }

  /** Every member known, self included, in id order. */
  public List<Member> members() {
    List<Member> all = new ArrayList<>(table.size());
    for (Entry e : table.all()) {
      all.add(e.view());
    }
    return all;
  }

  /** One member, if known. */
  public Optional<Member> member(NodeId id) {
    Entry e = table.get(id);
    return e == null ? Optional.empty() : Optional.of(e.view());
  }

  /** The state of a member, or null if unknown. Cheap (no copy). */
  public MemberState stateOf(NodeId id) {
    Entry e = table.get(id);
    return e == null ? null : e.state;
  }

  /** The item {@code key} of {@code owner} as known here ({@link Item#ABSENT} if none). Cheap. */
  public Item itemOf(NodeId owner, String key) {
    Entry e = table.get(owner);
    return e == null ? Item.ABSENT : e.item(key);
  }

  /** A copy of every item {@code owner} holds as known here (tombstones included), sorted by key. */
  public Map<String, Item> itemsOf(NodeId owner) {
    Entry e = table.get(owner);
    return e == null ? Map.of() : new TreeMap<>(e.items);
  }

  /** Own item {@code key}. */
  public Item ownItem(String key) {
    return self.item(key);
  }

  /** Alive and suspect members, self included. */
  public int activeCount() {
    return table.activeCount();
  }

  /** Members in the table, any state, self included. */
  public int knownCount() {
    return table.size();
  }

  /** This member's incarnation. */
  public long incarnation() {
    return self.incarnation;
  }

  /** The local health score (0 = healthy). */
  public int healthScore() {
    return health.score();
  }

  /** Gossip dropped as invalid or hostile since start. */
  public long rejectedUpdates() {
    return rejected;
  }

  /** Updates waiting in the dissemination queue. */
  public int queuedUpdates() {
    return queue.size();
  }

  /** A counter that changes whenever a member or item changes (for hosts publishing snapshots). */
  public long changeCount() {
    return changes;
  }

  /** True after {@link #leave}. */
  public boolean hasLeft() {
    return left;
  }

  /** True once this member learned it was evicted; it does nothing more. */
  public boolean isEvicted() {
    return evicted;
  }

  // ---------------------------------------------------------------- timers


  private void reap(long now) {
    long after = config.reapAfterNanos();
    List<Entry> gone = new ArrayList<>();
    for (Entry e : table.all()) {
      if (e != self && !e.state.isActive() && now - e.sinceNanos >= after) {
        gone.add(e);
      }
    }
    gone.forEach(rules::reapEntry);
  }

  private void gossip(long now) {
    if (queue.size() == 0) {
      return;
    }
    List<Entry> targets = peers(true);
    shuffle(targets);
    int n = Math.min(config.fanout(), targets.size());
    for (int i = 0; i < n && queue.size() > 0; i++) {
      sendWithUpdates(targets.get(i).address, new Message.Gossip(selfId, List.of()), Channel.UDP);
    }
  }

  private void pushPull(long now) {
    List<Entry> failed = new ArrayList<>();
    for (Entry e : table.all()) {
      if (e.state == MemberState.FAILED) {
        failed.add(e);
      }
    }
    // Every other exchange goes to a failed member if there is one: after a partition longer than
    // the suspicion timeout both sides think the other failed, and only such a reconnect heals it.
    List<Entry> targets = !failed.isEmpty() && random.nextBoolean() ? failed : peers(true);
    if (targets.isEmpty()) {
      return;
    }
    Entry t = targets.get(random.nextInt(targets.size()));
    // A failed member is likely far behind (a healed partition): the full state at once. Otherwise
    // a summary, and only the buckets that differ travel.
    Message m = targets == failed ? pushPullMessage(false, false)
        : new Message.Digest(selfId, java.util.Arrays.stream(TableSummary.summarize(table)).boxed().toList());
    out.send(new Send(t.address, m, Channel.TCP, nextSendId++));
  }

  /** Anti-entropy exchanges that found a difference and repaired it, since start. */
  public long digestRepairs() {
    return digestRepairs;
  }

  private static boolean[] bucketsOf(List<Integer> buckets) {
    boolean[] in = new boolean[TableSummary.BUCKETS];
    for (int b : buckets) {
      if (b >= 0 && b < in.length) {
        in[b] = true;
      }
    }
    return in;
  }

  private void rejoinIfIsolated(long now) {
    if (!peers(false).isEmpty()) {
      rejoinBackoff = config.rejoinInitialBackoffNanos();
      nextRejoinAt = now + rejoinBackoff;
      return;
    }
    List<HostPort> candidates = new ArrayList<>(seeds);
    for (Entry e : table.all()) {
      if (e != self && (e.state == MemberState.FAILED || e.state == MemberState.SUSPECT)
          && !candidates.contains(e.address)) {
        candidates.add(e.address);
      }
    }
    nextRejoinAt = now + rejoinBackoff;
    rejoinBackoff = Math.min(rejoinBackoff * 2, config.rejoinMaxBackoffNanos());
    if (candidates.isEmpty()) {
      return;
    }
    HostPort to = candidates.get(Math.floorMod(rejoinCursor++, candidates.size()));
    out.send(new Send(to, joinRequest(), Channel.TCP, nextSendId++));
  }

  // ---------------------------------------------------------------- helpers used by Prober

  /**
   * Members to talk to, in id order: active ones, plus (if {@code withRecentlyFailed}) those failed
   * within {@code gossipToDeadTime}, so that both sides of a healed partition hear each other.
   */
  List<Entry> peers(boolean withRecentlyFailed) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : table.all()) {
      if (e == self) {
        continue;
      }
      if (e.state.isActive()) {
        out.add(e);
      } else if (withRecentlyFailed && e.state == MemberState.FAILED && recentlyFailed(e)) {
        out.add(e);
      }
    }
    return out;
  }

  private long lastTickNanos;

  private boolean recentlyFailed(Entry e) {
    return lastTickNanos - e.sinceNanos < config.gossipToDeadNanos();
  }

  void noteTime(long now) {
    lastTickNanos = Math.max(lastTickNanos, now);
  }

  Entry entry(NodeId id) {
    return table.get(id);
  }

  NodeId selfId() {
    return selfId;
  }

  LocalHealth health() {
    return health;
  }

  List<Update> buddyNotice(Entry target) {
    return rules.buddyNotice(target);
  }

  void suspectFromProbe(long now, Entry target) {
    rules.suspectFromProbe(now, target);
  }

  void send(Send s) {
    out.send(s);
  }

  long newSendId() {
    return nextSendId++;
  }

  /** Sends {@code message} with as many queued updates as fit, and remembers them for {@link #sendFailed}. */
  long sendWithUpdates(HostPort to, Message message, Channel channel) {
    List<BroadcastQueue.Entry> taken = new ArrayList<>();
    List<Update> updates = takeUpdates(taken);
    Message full;
    if (message instanceof Message.Ping p) {
      List<Update> all = new ArrayList<>(p.updates());
      all.addAll(updates);
      full = new Message.Ping(p.seq(), p.target(), p.sender(), all);
    } else if (message instanceof Message.Ack a) {
      full = new Message.Ack(a.seq(), a.sender(), updates);
    } else if (message instanceof Message.PingReq r) {
      full = new Message.PingReq(r.seq(), r.target(), r.targetAddress(), r.sender(), updates);
    } else if (message instanceof Message.Gossip g) {
      full = new Message.Gossip(g.sender(), updates);
    } else {
      full = message;
    }
    long id = nextSendId++;
    if (!taken.isEmpty()) {
      inFlight.put(id, taken);
    }
    out.send(new Send(to, full, channel, id));
    return id;
  }

  private List<Update> takeUpdates(List<BroadcastQueue.Entry> taken) {
    int budget = config.maxPacketBytes() - Sizes.MESSAGE_OVERHEAD;
    return queue.take(budget, config.retransmitLimit(table.activeCount()), taken);
  }

  private Message.PushPull pushPullMessage(boolean reply, boolean join) {
    boolean[] all = new boolean[TableSummary.BUCKETS];
    java.util.Arrays.fill(all, true);
    return pushPullMessage(reply, join, all);
  }

  /** A push-pull message with the members (and their items) of the buckets marked in {@code buckets}. */
  private Message.PushPull pushPullMessage(boolean reply, boolean join, boolean[] buckets) {
    List<Message.MemberRecord> members = new ArrayList<>(table.size());
    List<Update.ItemUpdate> items = new ArrayList<>();
    for (Entry e : table.all()) {
      if (!buckets[TableSummary.bucket(e.id)]) {
        continue;
      }
      members.add(e.record());
      if (e.state != MemberState.EVICTED) {
        for (Map.Entry<String, Item> it : e.items.entrySet()) {
          items.add(new Update.ItemUpdate(e.id, e.generation, it.getKey(), it.getValue()));
        }
      }
    }
    return new Message.PushPull(reply, join, selfId, members, items);
  }

  private long jitter(long nanos) {
    // Spread periodic exchanges so members started together do not all fire at once.
    return nanos / 2 + (long) (random.nextDouble() * nanos);
  }

  /** A uniformly random index below {@code bound}, from the core's seeded random. */
  int randomIndex(int bound) {
    return random.nextInt(bound);
  }

  /** A member entered the table, or became alive again after failing or leaving. */
  void arrived(NodeId id) {
    prober.onArrival(id);
  }

  void shuffle(List<?> list) {
    java.util.Collections.shuffle(list, random);
  }
}
