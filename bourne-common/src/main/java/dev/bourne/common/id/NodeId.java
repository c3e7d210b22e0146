package dev.bourne.common.id;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

/**
 * The identity of a node: a 128-bit value, stable for the node's lifetime (and across restarts
 * where the node persists it). Immutable and comparable, so that collections of ids can be
 * iterated in a deterministic order.
 *
 * @param uuid the value
 */
public record NodeId(UUID uuid) implements Comparable<NodeId> {
  public NodeId {
    Objects.requireNonNull(uuid, "uuid");
  }

  /** A fresh random id from a cryptographically strong source, for production nodes. */
  public static NodeId random() {
    return new NodeId(UUID.randomUUID());
  }

  /** A random id drawn from {@code random}, so that seeded simulations are reproducible. */
  public static NodeId random(Random random) {
    Objects.requireNonNull(random, "random");
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new NodeId(new UUID(msb, lsb));
  }

  /**
   * Parses the canonical UUID text form.
   *
   * @throws IllegalArgumentException if the text is not a UUID
   */
  public static NodeId parse(String text) {
    Objects.requireNonNull(text, "text");
    try {
      return new NodeId(UUID.fromString(text.strip()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid node id '" + text + "': not a UUID", e);
    }
  }

  /** Length of the binary form ({@link #toBytes()}). */
  public static final int BYTES = 16;

  /** The binary form: the 128 bits, most significant first, as every wire and disk format stores it. */
  public byte[] toBytes() {
    return writeTo(ByteBuffer.allocate(BYTES)).array();
  }

  /**
   * Writes the binary form at the buffer's position.
   *
   * @return {@code buffer}
   * @throws java.nio.BufferOverflowException if fewer than {@link #BYTES} bytes remain
   */
  public ByteBuffer writeTo(ByteBuffer buffer) {
    return buffer.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
  }

  /**
   * Reads the binary form ({@link #toBytes()}).
   *
   * @throws IllegalArgumentException if {@code bytes} is not {@link #BYTES} long
   */
  public static NodeId fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a node id is " + BYTES + " bytes, got " + bytes.length);
    }
    return readFrom(ByteBuffer.wrap(bytes));
  }

  /**
   * Reads the binary form at the buffer's position and advances it.
   *
   * @throws java.nio.BufferUnderflowException if fewer than {@link #BYTES} bytes remain
   */
  public static NodeId readFrom(ByteBuffer buffer) {
    return new NodeId(new UUID(buffer.getLong(), buffer.getLong()));
  }

  /** The first 8 hex digits, for logs. */
  public String shortString() {
    return uuid.toString().substring(0, 8);
  }

  @Override
  public int compareTo(NodeId o) {
    return uuid.compareTo(o.uuid);
  }

  @Override
  public String toString() {
    return uuid.toString();
  }
}
