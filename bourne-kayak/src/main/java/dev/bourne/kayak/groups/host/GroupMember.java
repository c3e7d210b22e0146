package dev.bourne.kayak.groups.host;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.exec.SerialExecutor;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.time.Cancellable;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.groups.FormationException;
import dev.bourne.kayak.groups.GroupHandle;
import dev.bourne.kayak.groups.GroupSpec;
import dev.bourne.kayak.groups.core.Action;
import dev.bourne.kayak.groups.core.Advert;
import dev.bourne.kayak.groups.core.Autopilot;
import dev.bourne.kayak.groups.core.Decision;
import dev.bourne.kayak.groups.core.Formation;
import dev.bourne.kayak.groups.core.Placement;
import dev.bourne.kayak.groups.core.Seen;
import dev.bourne.kayak.host.HostParts;
import dev.bourne.kayak.host.Hosts;
import dev.bourne.net.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's part in one group: it advertises the group in its Convoy store, forms or joins the
 * group as {@link Formation} decides, then runs the group's Kayak host, keeps its advert current,
 * and, while it leads, carries out what {@link Autopilot} asks. Everything runs on one serial
 * executor, driven by a periodic tick: the directory is read, never waited for.
 */
final class GroupMember implements GroupHandle {
  private static final Logger LOG = LoggerFactory.getLogger(GroupMember.class);

  /** FORMING: no host yet; RUNNING: the host runs; STANDBY: a placed group moved off this member. */
  private enum Phase { STARTING, FORMING, RUNNING, STANDBY, FAILED, CLOSED }

  private final GroupSpec spec;
  private final GroupsHost.Parts parts;
  private final ConvoyHost convoy;
  private final Transport transport;
  private final SerialExecutor exec;
  private final String key;
  private final CompletableFuture<KayakHost> formed = new CompletableFuture<>();
  private final Autopilot autopilot;
  private volatile Phase phase = Phase.STARTING;
  private volatile String status = "starting";
  private volatile KayakHost host;
  private NodeId id;
  private Advert advert;
  private String published;
  private boolean publishing;
  private boolean changing;
  private String lastWait;
  private Cancellable ticker;
  /** Convoy ids of the members seen advertising the group, until gossip forgets them. */
  private final java.util.Set<dev.bourne.common.id.NodeId> advertisers = new java.util.LinkedHashSet<>();

  GroupMember(GroupSpec spec, GroupsHost.Parts parts) {
    this.spec = spec;
    this.parts = parts;
    this.convoy = parts.convoy();
    this.transport = new GroupTransport(parts.transport(), spec.name());
    this.exec = parts.workers().serial("kayak-group-" + spec.name());
    this.key = Advert.key(spec.name());
    this.autopilot = new Autopilot(spec.autopilot(), spec.expect());
  }

  void start() {
    later(this::begin);
    ticker = parts.scheduler().scheduleAtFixedRate(spec.autopilot().period(), () -> later(this::tick));
  }

  /** Runs {@code task} on the group's executor, under this member's lock (close takes it too). */
  private void later(Runnable task) {
    try {
      exec.execute(() -> {
        synchronized (this) {
          task.run();
        }
      });
    } catch (RuntimeException closed) {
      // the member was closed meanwhile: nothing left to do
    }
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public CompletableFuture<KayakHost> formed() {
    return formed;
  }

  @Override
  public Optional<KayakHost> host() {
    return Optional.ofNullable(host);
  }

  @Override
  public String status() {
    return status;
  }

  private KayakConfig config() {
    KayakConfig.Builder b = spec.kayak().apply(KayakConfig.builder(spec.dataDir()));
    // the group decides these: where the host listens, who it is, and that autopilot promotes
    return b.bind(transport.localAddress()).memberId(id).learners(false, 64).build();
  }

  private HostParts hostParts() {
    return parts.storage().parts(spec, config(), transport);
  }

  private void begin() {
    if (phase != Phase.STARTING) {
      return;
    }
    try {
      id = parts.storage().memberId(spec);
      advert = Advert.fresh(spec.name(), id, transport.localAddress(), spec.voter(), spec.expect());
      Optional<KayakHost> resumed = Hosts.resume(hostParts());
      if (resumed.isPresent()) {
        LOG.info("group {}: {} resumes cluster {}", spec.name(), id.shortString(),
            resumed.get().clusterId().map(ClusterId::shortString).orElse("?"));
        running(resumed.get());
        return;
      }
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    phase = Phase.FORMING;
    status = "forming";
    publish(advert);
  }

  private void tick() {
    try {
      switch (phase) {
        case FORMING -> form();
        case RUNNING -> run();
        case STANDBY -> standby();
        default -> { }
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  /** The group's adverts in the directory, this member's own (current) one included. */
  private List<Seen> seen() {
    List<Seen> out = new ArrayList<>();
    java.util.Set<dev.bourne.common.id.NodeId> active = new java.util.HashSet<>();
    for (Member m : convoy.directory().all()) {
      active.add(m.id());
      see(m, out);
    }
    // The directory lists active members only; formation must count a failed candidate until
    // gossip forgets it (a failed bootstrapper whose cluster advert never spread must not be
    // formed over), so members once seen advertising are looked up by id until they are gone.
    for (java.util.Iterator<dev.bourne.common.id.NodeId> it = advertisers.iterator(); it.hasNext(); ) {
      dev.bourne.common.id.NodeId convoyId = it.next();
      if (active.contains(convoyId)) {
        continue;
      }
      Optional<Member> gone = convoy.directory().get(convoyId);
      if (gone.isEmpty()) {
        it.remove(); // reaped: gossip forgot it
      } else {
        see(gone.get(), out);
      }
    }
    if (advert != null) {
      out.add(new Seen(advert, MemberState.ALIVE));
    }
    return out;
  }

  private void see(Member m, List<Seen> out) {
    Optional<String> v = m.value(key);
    if (v.isEmpty() || m.id().equals(convoy.id())) {
      return;
    }
    try {
      Advert a = Advert.decode(v.get());
      if (a.group().equals(spec.name()) && tagged(m)) {
        out.add(new Seen(a, m.state()));
        advertisers.add(m.id());
      }
    } catch (IllegalArgumentException e) {
      LOG.debug("group {}: ignoring the advert of {}: {}", spec.name(), m.id().shortString(), e.getMessage());
    }
  }

  /** Whether {@code m} carries the placed group's tag (every member does if the group has none). */
  private boolean tagged(Member m) {
    if (spec.tag().isEmpty()) {
      return true;
    }
    String tags = m.value(GroupSpec.TAGS_KEY).orElse("");
    return java.util.Arrays.asList(tags.split(",")).contains(spec.tag().get());
  }

  /**
   * For a placed group: the members that should host it, from what the directory shows (failed and
   * departed members are not eligible; suspected ones still are, so that a slow member does not
   * move the group).
   */
  private List<NodeId> placement(List<Seen> view) {
    List<NodeId> eligible = new ArrayList<>();
    for (Seen s : view) {
      if (s.advert().voter() && s.present() && s.health() != MemberState.FAILED) {
        eligible.add(s.advert().member());
      }
    }
    return Placement.choose(spec.name(), spec.replication(), eligible);
  }

  private java.util.Comparator<NodeId> order() {
    return spec.placed() ? Placement.order(spec.name()) : java.util.Comparator.naturalOrder();
  }

  private void form() {
    List<Seen> view = seen();
    if (spec.tag().isPresent() && !tagged(convoy.self())) {
      status = "not tagged " + spec.tag().get() + ": this member does not host group " + spec.name();
      return;
    }
    Optional<String> proposal = Formation.proposal(advert, view, order());
    if (!proposal.equals(advert.proposal())) {
      advert = advert.withProposal(proposal);
      publish(advert);
      return; // decide once the others could see it
    }
    publish(advert); // again until written: a write skipped while another was in flight is not lost
    Decision d = Formation.decide(advert, view, order());
    if (d instanceof Decision.Wait w) {
      status = "forming: " + w.why();
      if (!w.why().equals(lastWait)) {
        LOG.debug("group {}: {}", spec.name(), w.why());
        lastWait = w.why();
      }
    } else if (d instanceof Decision.Conflict c) {
      fail(new FormationException(c.why()));
    } else if (d instanceof Decision.Bootstrap b) {
      LOG.info("group {}: {} bootstraps it with voters {}", spec.name(), id.shortString(), b.voters().keySet());
      running(Hosts.bootstrap(hostParts(), b.voters()));
    } else if (d instanceof Decision.Join j) {
      if (spec.placed() && !placement(view).contains(id)) {
        status = "standby: group " + spec.name() + " is placed on " + shortIds(placement(view));
        return;
      }
      LOG.info("group {}: {} joins cluster {} (through {})", spec.name(), id.shortString(), j.cluster().shortString(),
          j.through());
      running(Hosts.startIn(hostParts(), j.cluster()));
    }
  }

  private void running(KayakHost h) {
    host = h;
    phase = Phase.RUNNING;
    status = "running";
    run();
  }

  private void run() {
    KayakHost h = host;
    Optional<ClusterId> cluster = h.clusterId();
    if (cluster.isEmpty()) {
      return;
    }
    var roster = h.roster();
    List<Seen> view = seen(); // one read of the directory per tick
    followAddresses(h, view, cluster.get(), roster);
    Optional<Boolean> voting = roster.stream().filter(m -> m.id().equals(id)).findFirst()
        .map(dev.bourne.kayak.api.Member::voter);
    Advert next = advert.withCluster(cluster.get(), h.log().head() > 0)
        .withRole(h.role(), h.term(), h.leader().map(dev.bourne.kayak.api.Member::id), voting);
    advert = next;
    publish(advert);
    if (voting.isPresent() && !formed.isDone()) {
      LOG.info("group {}: {} is in the configuration as a {}", spec.name(), id.shortString(),
          voting.get() ? "voter" : "learner");
      formed.complete(h);
    }
    status = "running: " + h.role() + (voting.isPresent() ? voting.get() ? ", voter" : ", learner" : ", not yet added")
        + ", term " + h.term();
    // Also a member never added (placed here for a moment while views converged): once every member
    // of the placement votes, nobody needs it, and standing down earlier could cost a quorum.
    if (spec.placed() && movedOff(view)) {
      LOG.info("group {}: {} is no longer placed here; stands down (the leader removes it)", spec.name(),
          id.shortString());
      h.shutdown();
      host = null;
      phase = Phase.STANDBY;
      advert = new Advert(advert.group(), advert.member(), advert.address(), advert.voter(), advert.expect(),
          advert.cluster(), advert.state(), Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty());
      publish(advert);
      status = "standby: moved off";
      return;
    }
    if (h.role() == Role.LEADER && !changing) {
      autopilot(h, view, cluster.get(), roster);
    } else if (h.role() != Role.LEADER) {
      autopilot.observe(parts.scheduler().clock().nanoTime(), id, cluster.get(), roster, view);
    }
  }

  /**
   * The Kayak address book follows the directory: a member of the configuration whose advert shows
   * another address than the host knows came back elsewhere, and is reached there (consul #457).
   */
  private void followAddresses(KayakHost h, List<Seen> view, ClusterId cluster,
      List<dev.bourne.kayak.api.Member> roster) {
    for (Seen s : view) {
      Advert a = s.advert();
      if (!s.alive() || a.member().equals(id) || !a.cluster().equals(Optional.of(cluster))) {
        continue;
      }
      for (dev.bourne.kayak.api.Member m : roster) {
        if (m.id().equals(a.member()) && !m.address().equals(a.address())) {
          LOG.info("group {}: {} now listens at {} (was {})", spec.name(), a.member().shortString(), a.address(),
              m.address());
          h.admin().updateAddress(a.member(), a.address());
        }
      }
    }
  }

  /**
   * For a placed group: this member is not in the placement, and every member of the placement is
   * alive and says it votes, so the group no longer needs this member's vote.
   */
  private boolean movedOff(List<Seen> view) {
    List<NodeId> placement = placement(view);
    if (placement.contains(id) || placement.size() < spec.replication()) {
      return false;
    }
    for (NodeId p : placement) {
      boolean votes = view.stream().anyMatch(s -> s.advert().member().equals(p) && s.alive()
          && s.advert().voting().orElse(false));
      if (!votes) {
        return false;
      }
    }
    return true;
  }

  /** A placed group moved off this member, which keeps its data: it comes back if placed here again. */
  private void standby() {
    List<Seen> view = seen();
    publish(advert);
    if (!placement(view).contains(id)) {
      status = "standby: group " + spec.name() + " is placed on " + shortIds(placement(view));
      return;
    }
    LOG.info("group {}: {} is placed here again; resumes", spec.name(), id.shortString());
    Optional<KayakHost> resumed = Hosts.resume(hostParts());
    if (resumed.isPresent()) {
      running(resumed.get());
    } else {
      phase = Phase.FORMING;
    }
  }

  private static String shortIds(List<NodeId> ids) {
    return ids.stream().map(NodeId::shortString).toList().toString();
  }

  private void autopilot(KayakHost h, List<Seen> view, ClusterId cluster, List<dev.bourne.kayak.api.Member> roster) {
    Optional<Action> a = autopilot.next(parts.scheduler().clock().nanoTime(), id, cluster, roster, view,
        spec.placed() ? Optional.of(placement(view)) : Optional.empty());
    if (a.isEmpty()) {
      return;
    }
    Action action = a.get();
    LOG.info("group {}: autopilot: {} {} ({})", spec.name(), action.getClass().getSimpleName(),
        action.member().shortString(), action.why());
    CompletableFuture<Void> change;
    if (action instanceof Action.AddLearner add) {
      change = h.admin().addLearner(add.member(), add.address());
    } else if (action instanceof Action.Promote) {
      change = h.admin().promote(action.member());
    } else {
      change = h.admin().remove(action.member());
    }
    changing = true;
    change.whenComplete((v, e) -> later(() -> {
      changing = false;
      if (e != null) {
        LOG.debug("group {}: autopilot change of {} failed: {}", spec.name(), action.member().shortString(),
            e.toString());
      }
    }));
  }

  /** Writes {@code a} to this member's store unless it is there already; one write at a time. */
  private void publish(Advert a) {
    String text = a.encode();
    if (publishing || text.equals(published) || phase == Phase.CLOSED) {
      return;
    }
    publishing = true;
    Item current = convoy.store().get(key);
    convoy.store().putAsync(key, text, current.version()).whenComplete((r, e) -> {
      if (phase == Phase.CLOSED) {
        withdraw(); // it landed after close took the advert away
      }
    }).whenComplete((r, e) -> later(() -> {
      publishing = false;
      if (e == null && r.ok()) {
        published = text;
      } else {
        LOG.debug("group {}: advert not written ({}); trying again", spec.name(), e != null ? e.toString() : "version");
      }
    }));
  }

  /** Formation cannot go on, or something broke: stop taking part (the host too), keep the data. */
  private void fail(Throwable e) {
    if (phase == Phase.CLOSED) {
      return;
    }
    phase = Phase.FAILED;
    status = "failed: " + e.getMessage();
    LOG.warn("group {}: {}", spec.name(), e.getMessage());
    if (ticker != null) {
      ticker.cancel();
    }
    KayakHost h = host;
    if (h != null) {
      host = null;
      h.shutdown();
    }
    formed.completeExceptionally(e);
  }

  @Override
  public void close() {
    KayakHost h;
    synchronized (this) {
      if (phase == Phase.CLOSED) {
        return;
      }
      phase = Phase.CLOSED;
      status = "closed";
      if (ticker != null) {
        ticker.cancel();
      }
      h = host;
    }
    // Outside the lock: a queued task waits for it, and closing the executor waits for that task.
    if (h != null) {
      h.shutdown();
    }
    formed.completeExceptionally(new ClosedException("group " + spec.name() + " closed"));
    withdraw();
    exec.close();
  }

  /** Deletes this member's advert (again after a write that was in flight when it closed). */
  private void withdraw() {
    Item current = convoy.store().get(key);
    if (current.exists() && convoy.isRunning()) {
      try {
        convoy.store().deleteAsync(key, current.version());
      } catch (RuntimeException closing) {
        // the Convoy member is stopping: its store goes with it
      }
    }
  }

  /** Whether {@link #close()} was called. */
  boolean isClosed() {
    return phase == Phase.CLOSED;
  }
}
