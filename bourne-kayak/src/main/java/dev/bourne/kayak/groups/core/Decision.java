package dev.bourne.kayak.groups.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.ClusterId;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/** What {@link Formation} tells a member without state for a group to do next. */
public sealed interface Decision {
  /**
   * Nothing yet.
   *
   * @param why what formation waits for, for the member's status
   */
  record Wait(String why) implements Decision {
    /** @throws NullPointerException if {@code why} is null */
    public Wait {
      Objects.requireNonNull(why, "why");
    }
  }

  /**
   * Bootstrap the group: start its cluster with exactly these voters.
   *
   * @param voters the voters, this member among them, with their addresses
   */
  record Bootstrap(SortedMap<NodeId, HostPort> voters) implements Decision {
    /** @throws IllegalArgumentException if {@code voters} is empty */
    public Bootstrap {
      voters = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(voters));
      if (voters.isEmpty()) {
        throw new IllegalArgumentException("no voters");
      }
    }
  }

  /**
   * The group exists: belong to its cluster and be added by its leader.
   *
   * @param cluster the group's cluster
   * @param through addresses of members that belong to it
   */
  record Join(ClusterId cluster, List<HostPort> through) implements Decision {
    /** @throws NullPointerException if a component is null */
    public Join {
      Objects.requireNonNull(cluster, "cluster");
      through = List.copyOf(through);
    }
  }

  /**
   * Formation cannot go on until an operator acts (members expect different sizes; two clusters
   * for one group).
   *
   * @param why what is wrong, naming the members
   */
  record Conflict(String why) implements Decision {
    /** @throws NullPointerException if {@code why} is null */
    public Conflict {
      Objects.requireNonNull(why, "why");
    }
  }
}
