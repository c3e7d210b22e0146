package dev.bourne.convoy.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A gossip encryption key: 16, 24 or 32 random bytes for AES-GCM (AES-128, -192 or -256), written as
 * base64 in configurations and commands. Its {@link #toString()} shows only a {@link #fingerprint()},
 * so a key never reaches a log by accident. Immutable; equal when the bytes are.
 */
public final class GossipKey {
  private final byte[] bytes;
  private final String fingerprint;

  private GossipKey(byte[] bytes) {
    if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
      throw new IllegalArgumentException("a gossip key is 16, 24 or 32 bytes (AES-128/192/256), got " + bytes.length);
    }
    this.bytes = bytes.clone();
    this.fingerprint = HexFormat.of().formatHex(sha256(this.bytes), 0, 4);
  }

  /**
   * The key written as {@code base64}.
   *
   * @throws IllegalArgumentException if it is not base64 or not 16, 24 or 32 bytes
   * @throws NullPointerException if it is null
   */
  public static GossipKey parse(String base64) {
    Objects.requireNonNull(base64, "base64");
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a gossip key must be base64: " + e.getMessage(), e);
    }
    return new GossipKey(raw);
  }

  /** A key of these bytes (copied). @throws IllegalArgumentException unless 16, 24 or 32 bytes */
  public static GossipKey of(byte[] bytes) {
    return new GossipKey(Objects.requireNonNull(bytes, "bytes"));
  }

  /** A new random 32-byte key (AES-256) from {@code random}. */
  public static GossipKey generate(SecureRandom random) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return new GossipKey(b);
  }

  /** The key's bytes (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The key as base64, for a configuration file or a command. Secret: do not log it. */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** The first 4 bytes of the key's SHA-256, in hex: names the key in reports and logs without revealing it. */
  public String fingerprint() {
    return fingerprint;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GossipKey k && MessageDigest.isEqual(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Only the fingerprint, never the key. */
  @Override
  public String toString() {
    return "GossipKey[" + fingerprint + "]";
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
