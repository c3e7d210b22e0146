package dev.bourne.kayak.groups.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.Role;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a member that takes part in a Kayak group publishes about it in its Convoy store, under
 * {@link #key(String)}: who it is in the group, where it listens, whether it wants to vote, the
 * size the group is expected to form with, and once it has them, the group's cluster id and
 * whether it holds Raft state. While the group forms it also publishes its proposal (the voters it
 * would form the group with); once it runs, its role, term and the leader it follows.
 *
 * <p>The text form is {@code v1;key=value;...}, a few hundred bytes, within Convoy's value limit.
 *
 * @param group the group's name ({@link #checkName})
 * @param member this member's id in the group (its Kayak member id)
 * @param address where its Kayak host listens
 * @param voter whether it wants to vote (a voter candidate); otherwise it only ever is a learner
 * @param expect how many voters the group forms with
 * @param cluster the group's cluster id, once this member belongs to it
 * @param state whether it holds Raft state for the group (a log or a snapshot)
 * @param proposal while forming: a digest of the voters it would form the group with
 * @param role its role in the group while its host runs
 * @param term its current term while its host runs (0 otherwise)
 * @param leader the leader it knows, while its host runs
 * @param voting while its host runs: whether its configuration makes it a voter (else a learner)
 */
public record Advert(String group, NodeId member, HostPort address, boolean voter, int expect,
    Optional<ClusterId> cluster, boolean state, Optional<String> proposal, Optional<Role> role, long term,
    Optional<NodeId> leader, Optional<Boolean> voting) {
  /** The prefix of every group's key in a Convoy store. */
  public static final String KEY_PREFIX = "kayak.group.";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{1,64}");

  /** @throws IllegalArgumentException if a value is out of range (a bad name, expect below 1, ...) */
  public Advert {
    checkName(group);
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(proposal, "proposal");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(leader, "leader");
    Objects.requireNonNull(voting, "voting");
    if (expect < 1 || expect > 99) {
      throw new IllegalArgumentException("expect must be in 1..99, got " + expect);
    }
    if (term < 0) {
      throw new IllegalArgumentException("term must be >= 0, got " + term);
    }
    proposal.ifPresent(p -> {
      if (!DIGEST.matcher(p).matches()) {
        throw new IllegalArgumentException("proposal must be a hex digest, got " + p);
      }
    });
  }

  /** A member that has just started taking part in {@code group}: no cluster, no state, no proposal. */
  public static Advert fresh(String group, NodeId member, HostPort address, boolean voter, int expect) {
    return new Advert(group, member, address, voter, expect, Optional.empty(), false, Optional.empty(),
        Optional.empty(), 0, Optional.empty(), Optional.empty());
  }

  /**
   * Checks a group name: 1 to 63 characters of lower-case letters, digits, {@code -} and {@code _},
   * starting with a letter or digit.
   *
   * @throws IllegalArgumentException naming the rule if it is not one
   */
  public static String checkName(String group) {
    Objects.requireNonNull(group, "group");
    if (!NAME.matcher(group).matches()) {
      throw new IllegalArgumentException("a group name is 1 to 63 of [a-z0-9_-], starting with a letter or digit: '"
          + group + "'");
    }
    return group;
  }

  /** The Convoy store key of {@code group}'s advert. */
  public static String key(String group) {
    return KEY_PREFIX + checkName(group);
  }

  /** A copy with another proposal. */
  public Advert withProposal(Optional<String> p) {
    return new Advert(group, member, address, voter, expect, cluster, state, p, role, term, leader, voting);
  }

  /** A copy for a member of {@code c}: no proposal any more. */
  public Advert withCluster(ClusterId c, boolean holdsState) {
    return new Advert(group, member, address, voter, expect, Optional.of(c), holdsState, Optional.empty(), role, term,
        leader, voting);
  }

  /** A copy with the running host's role, term, leader, and seat (voter or learner) if it has one. */
  public Advert withRole(Role r, long t, Optional<NodeId> l, Optional<Boolean> votes) {
    return new Advert(group, member, address, voter, expect, cluster, state, proposal, Optional.of(r), t, l, votes);
  }

  /** The text form stored in Convoy. */
  public String encode() {
    StringBuilder b = new StringBuilder("v1");
    b.append(";group=").append(group).append(";member=").append(member).append(";addr=").append(address)
        .append(";voter=").append(voter ? 1 : 0).append(";expect=").append(expect);
    cluster.ifPresent(c -> b.append(";cluster=").append(c));
    b.append(";state=").append(state ? 1 : 0);
    proposal.ifPresent(p -> b.append(";proposal=").append(p));
    role.ifPresent(r -> b.append(";role=").append(r.name()));
    if (term > 0) {
      b.append(";term=").append(term);
    }
    leader.ifPresent(l -> b.append(";leader=").append(l));
    voting.ifPresent(v -> b.append(";voting=").append(v ? 1 : 0));
    return b.toString();
  }

  /**
   * Reads the text form.
   *
   * @throws IllegalArgumentException naming what is wrong if {@code text} is not an advert of this
   *     version (another member's data is never trusted blindly)
   */
  public static Advert decode(String text) {
    Objects.requireNonNull(text, "text");
    String[] parts = text.split(";", -1);
    if (parts.length < 2 || !parts[0].equals("v1")) {
      throw new IllegalArgumentException("not a v1 group advert: '" + abbreviate(text) + "'");
    }
    Map<String, String> f = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0 || f.put(parts[i].substring(0, eq), parts[i].substring(eq + 1)) != null) {
        throw new IllegalArgumentException("malformed field '" + abbreviate(parts[i]) + "' in group advert");
      }
    }
    try {
      return new Advert(required(f, "group"), NodeId.parse(required(f, "member")), HostPort.parse(required(f, "addr")),
          flag(required(f, "voter")), Integer.parseInt(required(f, "expect")),
          Optional.ofNullable(f.get("cluster")).map(ClusterId::parse), flag(required(f, "state")),
          Optional.ofNullable(f.get("proposal")), Optional.ofNullable(f.get("role")).map(Role::valueOf),
          f.containsKey("term") ? Long.parseLong(f.get("term")) : 0, Optional.ofNullable(f.get("leader")).map(NodeId::parse),
          Optional.ofNullable(f.get("voting")).map(Advert::flag));
    } catch (RuntimeException e) { // NumberFormatException, IllegalArgumentException of the parsers
      throw new IllegalArgumentException("invalid group advert '" + abbreviate(text) + "': " + e.getMessage(), e);
    }
  }

  private static String required(Map<String, String> f, String key) {
    String v = f.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing " + key);
    }
    return v;
  }

  private static boolean flag(String v) {
    return switch (v) {
      case "1" -> true;
      case "0" -> false;
      default -> throw new IllegalArgumentException("a flag is 0 or 1, got " + v);
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
