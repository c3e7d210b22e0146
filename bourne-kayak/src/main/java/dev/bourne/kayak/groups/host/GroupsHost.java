package dev.bourne.kayak.groups.host;

import dev.bourne.common.exec.Workers;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.time.Scheduler;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.Member;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.StorageException;
import dev.bourne.kayak.groups.GroupHandle;
import dev.bourne.kayak.groups.GroupSpec;
import dev.bourne.kayak.groups.GroupView;
import dev.bourne.kayak.groups.KayakGroups;
import dev.bourne.kayak.groups.core.Advert;
import dev.bourne.kayak.host.HostParts;
import dev.bourne.kayak.host.Hosts;
import dev.bourne.net.Transport;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@link KayakGroups} of one member, assembled from parts: the Convoy member, the shared
 * transport, one scheduler and the workers, and the storage each group's host gets. Production
 * parts come from {@link #production}; the simulator gives simulated ones.
 *
 * <p>Thread-safe.
 */
public final class GroupsHost implements KayakGroups {
  /** Where a group's member keeps its id and its Kayak state. */
  public interface Storage {
    /** This member's id in the group, the same across restarts on the same data. */
    NodeId memberId(GroupSpec spec);

    /** The parts of the group's Kayak host: its storage, on the shared scheduler and transport. */
    HostParts parts(GroupSpec spec, KayakConfig config, Transport transport);
  }

  /**
   * The parts of a member's groups.
   *
   * @param convoy the Convoy member whose directory the groups form from
   * @param transport the transport every group's host shares (methods are suffixed by group)
   * @param scheduler the scheduler every group shares
   * @param workers the workers for each group's serial executor
   * @param storage the storage of each group's host
   * @param owned closed with the groups
   */
  public record Parts(ConvoyHost convoy, Transport transport, Scheduler scheduler, Workers workers, Storage storage,
      List<AutoCloseable> owned) {
    /** @throws NullPointerException if a component is null */
    public Parts {
      Objects.requireNonNull(convoy, "convoy");
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(scheduler, "scheduler");
      Objects.requireNonNull(workers, "workers");
      Objects.requireNonNull(storage, "storage");
      owned = List.copyOf(owned);
    }
  }

  private final Parts parts;
  private final Map<String, GroupMember> groups = new LinkedHashMap<>();
  private boolean closed;

  private GroupsHost(Parts parts) {
    this.parts = parts;
  }

  /** Groups from the given parts. */
  public static GroupsHost start(Parts parts) {
    return new GroupsHost(Objects.requireNonNull(parts, "parts"));
  }

  /**
   * Production groups: each group's data directory holds its member id ({@code member.id}) and
   * its Kayak host's files; one scheduler thread serves every group's host.
   *
   * @param certified whether the member id in every group is the Convoy member's (certified) id,
   *     instead of a random one per group
   */
  public static GroupsHost production(ConvoyHost convoy, Transport transport, boolean certified) {
    Objects.requireNonNull(convoy, "convoy");
    Objects.requireNonNull(transport, "transport");
    Scheduler scheduler = Scheduler.system("kayak-groups-" + transport.localAddress().port());
    Optional<NodeId> id = certified ? Optional.of(convoy.id()) : Optional.empty();
    return start(new Parts(convoy, transport, scheduler, Workers.threads(), new FileStorage(scheduler, id),
        List.of(scheduler)));
  }

  @Override
  public synchronized GroupHandle join(GroupSpec spec) {
    Objects.requireNonNull(spec, "spec");
    if (closed) {
      throw new IllegalStateException("the groups are closed");
    }
    GroupMember existing = groups.get(spec.name());
    if (existing != null && !existing.isClosed()) {
      throw new IllegalStateException("this member already takes part in group " + spec.name());
    }
    GroupMember m = new GroupMember(spec, parts);
    groups.put(spec.name(), m);
    m.start();
    return m;
  }

  @Override
  public Optional<GroupView> view(String name) {
    return Optional.ofNullable(viewsByName().get(Advert.checkName(name)));
  }

  @Override
  public List<GroupView> views() {
    return List.copyOf(viewsByName().values());
  }

  private Map<String, GroupView> viewsByName() {
    Map<String, List<GroupView.MemberView>> members = new TreeMap<>();
    Map<String, Map<ClusterId, Integer>> clusters = new HashMap<>();
    Map<String, Map<NodeId, Integer>> leaders = new HashMap<>();
    for (Member m : parts.convoy().directory().all()) {
      m.values().forEach((k, v) -> {
        if (!k.startsWith(Advert.KEY_PREFIX)) {
          return;
        }
        Advert a;
        try {
          a = Advert.decode(v);
        } catch (IllegalArgumentException bad) {
          return;
        }
        members.computeIfAbsent(a.group(), g -> new ArrayList<>()).add(new GroupView.MemberView(a.member(),
            a.address(), m.state().name(), a.cluster(), a.role(), a.term(), a.voting()));
        a.cluster().ifPresent(c -> clusters.computeIfAbsent(a.group(), g -> new HashMap<>()).merge(c, 1, Integer::sum));
        a.leader().ifPresent(l -> leaders.computeIfAbsent(a.group(), g -> new HashMap<>()).merge(l, 1, Integer::sum));
      });
    }
    Map<String, GroupView> out = new TreeMap<>();
    members.forEach((g, list) -> out.put(g, new GroupView(g, mostCommon(clusters.get(g)), list,
        mostCommon(leaders.get(g)))));
    return out;
  }

  private static <K> Optional<K> mostCommon(Map<K, Integer> counts) {
    if (counts == null) {
      return Optional.empty();
    }
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
  }

  @Override
  public void close() {
    List<GroupMember> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(groups.values());
    }
    all.forEach(GroupMember::close);
    Hosts.closeAll(parts.owned());
  }

  /** Production storage: files in each group's data directory. */
  private static final class FileStorage implements Storage {
    private final Scheduler scheduler;
    private final Optional<NodeId> certified;

    FileStorage(Scheduler scheduler, Optional<NodeId> certified) {
      this.scheduler = scheduler;
      this.certified = certified;
    }

    @Override
    public NodeId memberId(GroupSpec spec) {
      Path file = spec.dataDir().resolve("member.id");
      try {
        Files.createDirectories(spec.dataDir());
        if (Files.exists(file)) {
          NodeId stored = NodeId.parse(Files.readString(file, StandardCharsets.US_ASCII).trim());
          if (certified.isPresent() && !certified.get().equals(stored)) {
            throw new StorageException(file + " holds member id " + stored + ", but this member's certificate names "
                + certified.get() + ": a group directory made before identities were bound cannot be kept");
          }
          return stored;
        }
        NodeId fresh = certified.orElseGet(NodeId::random);
        Path tmp = spec.dataDir().resolve("member.id.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
          ch.write(StandardCharsets.US_ASCII.encode(fresh.toString() + "\n"));
          ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(spec.dataDir(), StandardOpenOption.READ)) {
          dir.force(true);
        }
        return fresh;
      } catch (IOException | IllegalArgumentException e) {
        throw new StorageException("cannot read or create the member id in " + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public HostParts parts(GroupSpec spec, KayakConfig config, Transport transport) {
      return Hosts.production(config, transport, false, scheduler);
    }
  }
}
