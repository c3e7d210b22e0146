package dev.bourne.kayak.api;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

/**
 * The identity of one Kayak cluster: created when a member bootstraps a new cluster, learned by
 * every member that joins it, and kept in each member's data directory. Every Raft message and
 * every request between members carries it, and a member refuses those of another cluster, so
 * that two clusters that happen to share addresses, or a member restarted against the wrong
 * peers, can never mix their logs.
 *
 * @param uuid the 128 bits
 */
public record ClusterId(UUID uuid) {
  /** Length of the binary form. */
  public static final int BYTES = 16;

  /** Checks the field. */
  public ClusterId {
    Objects.requireNonNull(uuid, "uuid");
  }

  /** A new id drawn from {@code random} (hosts pass their seeded random, so simulations replay). */
  public static ClusterId random(Random random) {
    return new ClusterId(new UUID(random.nextLong(), random.nextLong()));
  }

  /**
   * Parses the form {@link #toString()} prints.
   *
   * @throws IllegalArgumentException if {@code text} is not a UUID
   */
  public static ClusterId parse(String text) {
    return new ClusterId(UUID.fromString(Objects.requireNonNull(text, "text")));
  }

  /** The binary form: the 128 bits, most significant first. */
  public byte[] toBytes() {
    return ByteBuffer.allocate(BYTES).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits())
        .array();
  }

  /**
   * Reads the binary form.
   *
   * @throws IllegalArgumentException if {@code bytes} is not {@link #BYTES} long
   */
  public static ClusterId fromBytes(byte[] bytes) {
    if (Objects.requireNonNull(bytes, "bytes").length != BYTES) {
      throw new IllegalArgumentException("a cluster id is " + BYTES + " bytes, got " + bytes.length);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new ClusterId(new UUID(b.getLong(), b.getLong()));
  }

  /** The first 8 hex digits, for logs. */
  public String shortString() {
    return uuid.toString().substring(0, 8);
  }

  @Override
  public String toString() {
    return uuid.toString();
  }
}
