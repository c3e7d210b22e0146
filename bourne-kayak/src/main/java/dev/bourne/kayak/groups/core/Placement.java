package dev.bourne.kayak.groups.core;

import dev.bourne.common.id.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Where a group declared with a replication factor R lives: on the R eligible members with the
 * highest rendezvous score for the group (highest random weight hashing). Every member computes the
 * same answer from the same directory, and a member joining or leaving moves the group off at most
 * one member: only scores, not positions, decide.
 */
public final class Placement {
  private Placement() {}

  /** The rendezvous score of {@code member} for {@code group}: 64 bits of SHA-256 of both. */
  public static long score(String group, NodeId member) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(group.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '/');
      sha.update(member.toBytes());
      return ByteBuffer.wrap(sha.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }

  /** Members in placement order for {@code group}: highest score first, ties by id. */
  public static Comparator<NodeId> order(String group) {
    return Comparator.comparingLong((NodeId id) -> score(group, id)).reversed().thenComparing(Comparator.naturalOrder());
  }

  /** The (at most) {@code replication} members of {@code eligible} that host {@code group}, in placement order. */
  public static List<NodeId> choose(String group, int replication, Collection<NodeId> eligible) {
    List<NodeId> sorted = new ArrayList<>(new java.util.TreeSet<>(eligible));
    sorted.sort(order(group));
    return List.copyOf(sorted.subList(0, Math.min(replication, sorted.size())));
  }
}
