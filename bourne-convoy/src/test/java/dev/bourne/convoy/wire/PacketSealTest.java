package dev.bourne.convoy.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bourne.convoy.wire.PacketSeal.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PacketSealTest {
  static final Random RANDOM = new Random(42);
  static final SecretKey K1 = key(1, 32);
  static final SecretKey K2 = key(2, 16);
  static final byte[] PAYLOAD = "a convoy message".getBytes(StandardCharsets.UTF_8);

  static SecretKey key(int seed, int bytes) {
    byte[] b = new byte[bytes];
    new Random(seed).nextBytes(b);
    return new SecretKeySpec(b, "AES");
  }

  @Test
  void plaintextCarriesTheClusterName() {
    PacketSeal seal = new PacketSeal("prod-eu");
    byte[] m = seal.plain(PAYLOAD);
    PacketSeal.Opened o = seal.open(m, List.of());
    assertEquals(Status.PLAIN, o.status());
    assertArrayEquals(PAYLOAD, o.payload());
    assertEquals(Status.FOREIGN_CLUSTER, new PacketSeal("prod-us").open(m, List.of()).status());
    assertEquals(Status.FOREIGN_CLUSTER, new PacketSeal("").open(m, List.of()).status());
    assertEquals(Status.FOREIGN_CLUSTER, new PacketSeal("prod-eu").open(new PacketSeal("").plain(PAYLOAD), List.of()).status());
  }

  @Test
  void sealedOpensWithAnyKeyOfTheRingAndHidesThePayload() {
    PacketSeal seal = new PacketSeal("prod");
    byte[] m = seal.seal(PAYLOAD, K2, RANDOM, 1000);
    assertEquals(PAYLOAD.length + seal.sealedOverhead(), m.length);
    assertEquals(-1, new String(m, StandardCharsets.ISO_8859_1).indexOf("convoy"), "the payload is not readable");
    PacketSeal.Opened o = seal.open(m, List.of(K1, K2));
    assertEquals(Status.DECRYPTED, o.status());
    assertArrayEquals(PAYLOAD, o.payload());
    assertEquals(1000, o.sentAtMillis(), "the sender's timestamp, authenticated with the payload");
    assertEquals(Status.UNDECRYPTABLE, seal.open(m, List.of(K1)).status(), "a key outside the ring");
    assertEquals(Status.UNDECRYPTABLE, seal.open(m, List.of()).status(), "no keys at all");
    assertNotEquals(new String(m, StandardCharsets.ISO_8859_1),
        new String(seal.seal(PAYLOAD, K2, RANDOM, 1000), StandardCharsets.ISO_8859_1), "a fresh nonce each time");
  }

  @Test
  void aSealedMessageOfAnotherClusterNeverOpensEvenWithTheSameKey() {
    byte[] m = new PacketSeal("staging").seal(PAYLOAD, K1, RANDOM, 1000);
    assertEquals(Status.FOREIGN_CLUSTER, new PacketSeal("prod").open(m, List.of(K1)).status());
    // Rewriting the name in the header (same length) to pass the name check breaks the tag instead.
    byte[] prod = "prod".getBytes(StandardCharsets.UTF_8);
    byte[] stag = new PacketSeal("stag").seal(PAYLOAD, K1, RANDOM, 1000);
    System.arraycopy(prod, 0, stag, 2, 4);
    assertEquals(Status.UNDECRYPTABLE, new PacketSeal("prod").open(stag, List.of(K1)).status());
  }

  @Test
  void everySingleBitFlipIsDetected() {
    PacketSeal seal = new PacketSeal("prod");
    byte[] m = seal.seal(PAYLOAD, K1, RANDOM, 1000);
    for (int i = 0; i < m.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] t = m.clone();
        t[i] ^= (byte) (1 << bit);
        PacketSeal.Opened o = seal.open(t, List.of(K1));
        if (o.status() == Status.PLAIN) {
          // The flip turned the marker into "plaintext": what follows is ciphertext, and a member
          // that requires encryption refuses plaintext; one that does not cannot decode it.
          assertEquals(0, i, "only the marker byte can read as plaintext");
          continue;
        }
        assertNull(o.payload(), "byte " + i + " bit " + bit + " flipped, yet it opened: " + o.status());
      }
    }
  }

  @Test
  void hostileBytesNeverThrow() {
    PacketSeal seal = new PacketSeal("prod");
    Random r = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[r.nextInt(80)];
      r.nextBytes(b);
      if (b.length > 0 && r.nextBoolean()) {
        b[0] = (byte) (r.nextBoolean() ? PacketSeal.SEALED : PacketSeal.PLAIN);
      }
      if (b.length > 1 && r.nextBoolean()) {
        b[1] = (byte) 4;
        if (b.length > 6) {
          System.arraycopy("prod".getBytes(StandardCharsets.UTF_8), 0, b, 2, 4);
        }
      }
      Status s = seal.open(b, List.of(K1, K2)).status();
      if (s == Status.DECRYPTED) {
        throw new AssertionError("random bytes authenticated");
      }
    }
    assertEquals(Status.MALFORMED, seal.open(new byte[0], List.of(K1)).status());
    assertEquals(Status.MALFORMED, seal.open(new byte[] {(byte) PacketSeal.SEALED, 4, 'p', 'r', 'o', 'd', 1, 2}, List.of(K1)).status());
    assertEquals(Status.MALFORMED, seal.open(new byte[] {(byte) PacketSeal.PLAIN, 9, 'p'}, List.of()).status());
    assertEquals(Status.MALFORMED, seal.open(new byte[] {0x0a, 0, 1}, List.of()).status(), "a bare protobuf message");
  }

  @Test
  void aNameOverSixtyFourBytesIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new PacketSeal("x".repeat(65)));
  }
}
