package dev.bourne.kayak.groups;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.Role;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A group as the directory of one member shows it: every member that advertises it, with what it
 * says of itself and what gossip says of its health. Eventually consistent (gossip), not read from
 * the group's log.
 *
 * @param name the group
 * @param cluster the cluster id its members advertise, if any (several ids would be a conflict,
 *     shown in the members)
 * @param members every member advertising the group
 * @param leader the leader the most members advertise, if any
 */
public record GroupView(String name, Optional<ClusterId> cluster, List<MemberView> members, Optional<NodeId> leader) {
  /** @throws NullPointerException if a component is null */
  public GroupView {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(cluster, "cluster");
    members = List.copyOf(members);
    Objects.requireNonNull(leader, "leader");
  }

  /** The members that say their configuration makes them voters. */
  public List<MemberView> voters() {
    return members.stream().filter(m -> m.voting().orElse(false)).toList();
  }

  /** The members that say they are learners. */
  public List<MemberView> learners() {
    return members.stream().filter(m -> !m.voting().orElse(true)).toList();
  }

  /**
   * One member of a group as its advert and gossip show it.
   *
   * @param member its id in the group
   * @param address where its Kayak host listens
   * @param health its state in gossip ({@code ALIVE}, {@code SUSPECT}, {@code FAILED}, ...)
   * @param cluster the cluster it belongs to, if any
   * @param role its role, while its host runs
   * @param term its term, while its host runs
   * @param voting while its host runs: whether it is a voter (else a learner)
   */
  public record MemberView(NodeId member, HostPort address, String health, Optional<ClusterId> cluster,
      Optional<Role> role, long term, Optional<Boolean> voting) {
    /** @throws NullPointerException if a component is null */
    public MemberView {
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(health, "health");
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(voting, "voting");
    }
  }
}
