package dev.bourne.kayak.groups;

import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.kayak.groups.host.GroupsHost;
import dev.bourne.net.Transport;
import java.util.List;
import java.util.Optional;

/**
 * Kayak groups formed from a Convoy directory: the way in to "start a member and let the cluster
 * find itself". Each member started for a group advertises it in its Convoy store; once enough
 * voter candidates are alive, one bootstraps the group with exactly them, the others and later
 * members join it, and the group's leader keeps its configuration healthy (autopilot). Several
 * groups share one member: one transport, one scheduler, one Convoy member; each group has its own
 * data directory.
 *
 * <pre>{@code
 * try (KayakGroups groups = KayakGroups.on(convoy, transport)) {
 *   GroupHandle meta = groups.join(GroupSpec.named("meta").expect(3).dataDir(dir.resolve("meta")));
 *   KayakHost host = meta.formed().get(30, TimeUnit.SECONDS);
 *   host.log().append("hello".getBytes());
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public interface KayakGroups extends AutoCloseable {
  /**
   * Groups on {@code convoy}, whose Kayak hosts talk over {@code transport} (which may be the one
   * Convoy uses; it is not closed with the groups). The groups' addresses are the transport's. Each
   * group has a random member id of its own: over a transport that binds identities to
   * certificates, whose peers refuse any id their certificate does not name, use {@link
   * #onCertified} instead.
   *
   * @throws NullPointerException if an argument is null
   */
  static KayakGroups on(ConvoyHost convoy, Transport transport) {
    return GroupsHost.production(convoy, transport, false);
  }

  /**
   * As {@link #on}, for a member whose identity its certificate names ({@code
   * TlsConfig.bindingIdentity()}, with the Convoy member taking the certified id): the member is
   * the Convoy member's id in every group, so that its peers can check every Raft message against
   * the sender's certificate. A group data directory that already holds another member id fails to
   * start (identities bound to certificates need fresh group directories).
   *
   * @throws NullPointerException if an argument is null
   */
  static KayakGroups onCertified(ConvoyHost convoy, Transport transport) {
    return GroupsHost.production(convoy, transport, true);
  }

  /**
   * Takes part in the group {@code spec} describes: resumes it if the data directory belongs to
   * it, else forms or joins it through the directory. Returns at once; see {@link
   * GroupHandle#formed()}.
   *
   * @throws IllegalStateException if this member already takes part in a group of that name, or
   *     the groups are closed
   */
  GroupHandle join(GroupSpec spec);

  /** The group {@code name} as this member's directory shows it, if any member advertises it. */
  Optional<GroupView> view(String name);

  /** Every group this member's directory shows, by name. */
  List<GroupView> views();

  /** Closes every group this member takes part in ({@link GroupHandle#close()}). Idempotent. */
  @Override
  void close();
}
