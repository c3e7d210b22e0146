package dev.bourne.convoy.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The envelope around every Convoy payload, UDP and TCP: a header naming the cluster, then either
 * the payload in plaintext or the payload encrypted and authenticated with AES-GCM, the header being
 * the associated data (so a message sealed for another cluster, or with its header altered, never
 * opens).
 *
 * <pre>
 *   byte 0      0xC0 plaintext, 0xC1 AES-GCM
 *   byte 1      L, the cluster name's length in bytes (0..64)
 *   bytes 2..   the cluster name, UTF-8
 *   then        plaintext: the payload
 *               AES-GCM:   a 12-byte nonce, the ciphertext, the 16-byte tag; the ciphertext holds
 *                          the sender's wall-clock time (8 bytes, milliseconds since the epoch)
 *                          and then the payload, so a receiver can refuse old and replayed messages
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class PacketSeal {
  /** The first byte of a plaintext message. */
  public static final int PLAIN = 0xC0;
  /** The first byte of an encrypted message. */
  public static final int SEALED = 0xC1;
  /** Bytes of nonce. */
  public static final int NONCE_BYTES = 12;
  /** Bytes of authentication tag. */
  public static final int TAG_BYTES = 16;
  /** Bytes of the sender's timestamp inside the ciphertext. */
  public static final int TIME_BYTES = 8;
  private static final int MAX_NAME_BYTES = 64;
  private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform has AES/GCM/NoPadding", e);
    }
  });

  private final byte[] header;
  private final byte[] sealedHeader;

  /** What {@link #open} found. */
  public enum Status {
    /** A plaintext message of this cluster. */
    PLAIN,
    /** An encrypted message of this cluster that one of the keys opened. */
    DECRYPTED,
    /** A message of another cluster (its header names another). */
    FOREIGN_CLUSTER,
    /** Encrypted for this cluster, but no key opens it: another key, or altered in transit. */
    UNDECRYPTABLE,
    /** Not a Convoy envelope at all (too short, an unknown first byte). */
    MALFORMED
  }

  /**
   * The outcome of {@link #open}: the payload, null unless PLAIN or DECRYPTED; for DECRYPTED also
   * the sender's timestamp and the nonce (as two numbers), which a replay check remembers.
   */
  public record Opened(Status status, byte[] payload, long sentAtMillis, long nonceHigh, int nonceLow) {
    Opened(Status status, byte[] payload) {
      this(status, payload, 0, 0, 0);
    }
  }

  /**
   * @param clusterName the name every message carries, at most 64 bytes of UTF-8
   * @throws IllegalArgumentException if the name is longer
   */
  public PacketSeal(String clusterName) {
    byte[] name = clusterName.getBytes(StandardCharsets.UTF_8);
    if (name.length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException("cluster name longer than " + MAX_NAME_BYTES + " bytes: " + clusterName);
    }
    header = new byte[2 + name.length];
    header[0] = (byte) PLAIN;
    header[1] = (byte) name.length;
    System.arraycopy(name, 0, header, 2, name.length);
    sealedHeader = header.clone();
    sealedHeader[0] = (byte) SEALED;
  }

  /** Bytes a sealed message adds to its payload: the header, the nonce and the tag. */
  public int sealedOverhead() {
    return header.length + NONCE_BYTES + TIME_BYTES + TAG_BYTES;
  }

  /** {@code payload} in plaintext behind this cluster's header. */
  public byte[] plain(byte[] payload) {
    byte[] out = Arrays.copyOf(header, header.length + payload.length);
    System.arraycopy(payload, 0, out, header.length, payload.length);
    return out;
  }

  /**
   * {@code payload} encrypted with {@code key} under a fresh nonce from {@code nonces} (in
   * production a {@link java.security.SecureRandom}: AES-GCM must never reuse a nonce with a key),
   * stamped with the sender's wall-clock time {@code nowMillis}.
   */
  public byte[] seal(byte[] payload, SecretKey key, Random nonces, long nowMillis) {
    Objects.requireNonNull(key, "key");
    byte[] nonce = new byte[NONCE_BYTES];
    nonces.nextBytes(nonce);
    byte[] body = new byte[TIME_BYTES + payload.length];
    for (int i = 0; i < TIME_BYTES; i++) {
      body[i] = (byte) (nowMillis >>> (56 - 8 * i));
    }
    System.arraycopy(payload, 0, body, TIME_BYTES, payload.length);
    byte[] out = new byte[sealedHeader.length + NONCE_BYTES + body.length + TAG_BYTES];
    System.arraycopy(sealedHeader, 0, out, 0, sealedHeader.length);
    System.arraycopy(nonce, 0, out, sealedHeader.length, NONCE_BYTES);
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      c.updateAAD(sealedHeader);
      c.doFinal(body, 0, body.length, out, sealedHeader.length + NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
    return out;
  }

  /**
   * Opens a message: checks its cluster name, then decrypts it with each key in turn (the primary
   * first), or takes its plaintext. Never throws on hostile input.
   */
  public Opened open(byte[] message, List<SecretKey> keys) {
    if (message.length < 2 || (message[0] & 0xFF) != PLAIN && (message[0] & 0xFF) != SEALED) {
      return new Opened(Status.MALFORMED, null);
    }
    int nameLength = message[1] & 0xFF;
    int bodyAt = 2 + nameLength;
    if (message.length < bodyAt) {
      return new Opened(Status.MALFORMED, null);
    }
    if (nameLength != header.length - 2
        || !Arrays.equals(message, 2, bodyAt, header, 2, header.length)) {
      return new Opened(Status.FOREIGN_CLUSTER, null);
    }
    if ((message[0] & 0xFF) == PLAIN) {
      return new Opened(Status.PLAIN, Arrays.copyOfRange(message, bodyAt, message.length));
    }
    if (message.length < bodyAt + NONCE_BYTES + TIME_BYTES + TAG_BYTES) {
      return new Opened(Status.MALFORMED, null);
    }
    GCMParameterSpec spec = new GCMParameterSpec(TAG_BYTES * 8, message, bodyAt, NONCE_BYTES);
    int cipherAt = bodyAt + NONCE_BYTES;
    for (SecretKey key : keys) {
      try {
        Cipher c = CIPHER.get();
        c.init(Cipher.DECRYPT_MODE, key, spec);
        c.updateAAD(message, 0, bodyAt);
        byte[] body = c.doFinal(message, cipherAt, message.length - cipherAt);
        long sentAt = 0;
        for (int i = 0; i < TIME_BYTES; i++) {
          sentAt = (sentAt << 8) | (body[i] & 0xFF);
        }
        long high = 0;
        for (int i = 0; i < 8; i++) {
          high = (high << 8) | (message[bodyAt + i] & 0xFF);
        }
        int low = 0;
        for (int i = 8; i < NONCE_BYTES; i++) {
          low = (low << 8) | (message[bodyAt + i] & 0xFF);
        }
        return new Opened(Status.DECRYPTED, Arrays.copyOfRange(body, TIME_BYTES, body.length), sentAt, high, low);
      } catch (AEADBadTagException e) {
        // Not this key (or altered): try the next.
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM decryption failed", e);
      }
    }
    return new Opened(Status.UNDECRYPTABLE, null);
  }
}
