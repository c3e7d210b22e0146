package dev.bourne.convoy.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.core.Message;
import dev.bourne.convoy.core.Update;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Hostile input for every Convoy decoder, generated with jqwik (with shrinking, so a failure is
 * reported as a smallest input): random bytes, and valid messages mutated by flips, truncation,
 * insertion and splicing. A decoder may only refuse with {@link MalformedMessageException}; the
 * envelope never opens a message it did not seal. Inputs that once broke a decoder are kept in
 * {@code src/test/resources/fuzz/convoy} and replayed by {@link #theCorpusReplays()}.
 *
 * <p>Each property runs 1,000 tries in {@code mvn verify} with a fixed seed; longer runs raise
 * {@code -Djqwik.tries.default} (see {@code junit-platform.properties}).
 */
class DecoderFuzzTest {
  private static final Random R = new Random(11);
  private static final NodeId A = NodeId.random(R);
  private static final NodeId B = NodeId.random(R);
  private static final HostPort ADDR = new HostPort("10.1.2.3", 7946);
  private static final SecretKey KEY = new SecretKeySpec(new byte[32], "AES");
  private static final PacketSeal SEAL = new PacketSeal("fuzz");
  private static final Random NONCES = new Random(12);

  static List<Update> updates() {
    return List.of(new Update.Alive(A, ADDR, 3, 2), new Update.Suspect(B, 4, A), new Update.Failed(B, 5, A),
        new Update.Left(A, 6), new Update.Evicted(B, 7), new Update.ItemUpdate(A, 2, "k", new Item("v", 9, false)),
        new Update.ItemUpdate(B, 1, "gone", new Item("", 10, true)));
  }

  /** One of each message, as the wire carries them. */
  static List<byte[]> validMessages() {
    List<Message> all = List.of(
        new Message.Ping(1, B, A, updates()), new Message.Ack(2, B, updates()), new Message.Nack(3, A),
        new Message.PingReq(4, B, new HostPort("::1", 9), A, updates()), new Message.Gossip(A, updates()),
        new Message.PushPull(true, false, A, List.of(new Message.MemberRecord(A, ADDR, 1, 1, MemberState.SUSPECT),
            new Message.MemberRecord(B, ADDR, 2, 1, MemberState.EVICTED)),
            List.of(new Update.ItemUpdate(A, 1, "k", new Item("v", 1, false)))),
        new Message.Digest(A, java.util.Collections.nCopies(64, 7L)),
        new Message.DigestReply(A, List.of(3, 9), List.of(new Message.MemberRecord(B, ADDR, 2, 1, MemberState.ALIVE)),
            List.of()));
    List<byte[]> out = new ArrayList<>();
    all.forEach(m -> out.add(WireCodec.encode(m)));
    out.add(StoreCodec.encode(new StoreCodec.Request(A, "key", "value", false, 3)));
    out.add(KeyringCodec.encode(new KeyringCodec.Request(KeyringCodec.Op.INSTALL,
        java.util.Optional.of(dev.bourne.convoy.api.GossipKey.of(new byte[16])))));
    out.add(KeyringCodec.encode(List.of("0a1b2c3d", "ffffffff")));
    return out;
  }

  /** Feeds {@code bytes} to every decoder; anything but a typed refusal fails the property. */
  static void decodeEverywhere(byte[] bytes) {
    try {
      WireCodec.decode(bytes);
    } catch (MalformedMessageException refused) {
      // the only refusal allowed
    }
    try {
      StoreCodec.decodeRequest(bytes);
    } catch (MalformedMessageException refused) {
      // allowed
    }
    try {
      StoreCodec.decodeResult(bytes);
    } catch (MalformedMessageException refused) {
      // allowed
    }
    try {
      KeyringCodec.decodeRequest(bytes);
    } catch (MalformedMessageException refused) {
      // allowed
    }
    try {
      KeyringCodec.decodeFingerprints(bytes);
    } catch (MalformedMessageException refused) {
      // allowed
    }
    PacketSeal.Status s = SEAL.open(bytes, List.of(KEY)).status();
    if (s == PacketSeal.Status.DECRYPTED) {
      throw new AssertionError("bytes the test never sealed opened: " + HexFormat.of().formatHex(bytes));
    }
  }

  @Property(seed = "20261202")
  void randomBytesAreRefusedCleanly(@ForAll @Size(max = 600) byte[] bytes) {
    decodeEverywhere(bytes);
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    List<byte[]> valid = validMessages();
    Arbitrary<byte[]> base = Arbitraries.of(valid);
    return Combinators.combine(base, Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 10_000),
        Arbitraries.bytes(), Arbitraries.of(valid)).as((b, op, where, value, other) -> mutate(b, op, where, value, other));
  }

  static byte[] mutate(byte[] b, int op, int where, byte value, byte[] other) {
    int at = b.length == 0 ? 0 : where % b.length;
    switch (op) {
      case 0: { // overwrite one byte
        byte[] c = b.clone();
        if (c.length > 0) {
          c[at] = value;
        }
        return c;
      }
      case 1: // truncate
        return java.util.Arrays.copyOf(b, at);
      case 2: { // insert one byte
        byte[] c = new byte[b.length + 1];
        System.arraycopy(b, 0, c, 0, at);
        c[at] = value;
        System.arraycopy(b, at, c, at + 1, b.length - at);
        return c;
      }
      default: { // splice: this message's head, another's tail
        int cut = other.length == 0 ? 0 : where % other.length;
        byte[] c = new byte[at + other.length - cut];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(other, cut, c, at, other.length - cut);
        return c;
      }
    }
  }

  @Property(seed = "20261203")
  void mutatedMessagesAreRefusedCleanly(@ForAll("mutated") byte[] bytes) {
    decodeEverywhere(bytes);
  }

  @Provide
  Arbitrary<byte[]> tamperedSealed() {
    return Combinators.combine(Arbitraries.of(validMessages()), Arbitraries.integers().between(0, 10_000),
        Arbitraries.bytes().filter(x -> x != 0)).as((m, where, flip) -> {
          // One nonce source for every try: the cipher itself refuses a nonce used twice with a key.
          byte[] sealed = SEAL.seal(m, KEY, NONCES, 1000);
          sealed[where % sealed.length] ^= flip;
          return sealed;
        });
  }

  @Property(seed = "20261204")
  void aTamperedSealedMessageNeverOpens(@ForAll("tamperedSealed") byte[] bytes) {
    // A flip of the marker byte can make it read as plaintext, which a member requiring encryption
    // refuses; what must never happen is that it authenticates.
    assertNotEquals(PacketSeal.Status.DECRYPTED, SEAL.open(bytes, List.of(KEY)).status());
  }

  @Test
  void validMessagesStillDecode() {
    for (byte[] m : validMessages().subList(0, 8)) {
      assertEquals(WireCodec.encode(WireCodec.decode(m)).length, m.length);
    }
  }

  /** Every input kept in the corpus (one hex string per file) goes through every decoder. */
  @Test
  void theCorpusReplays() throws IOException {
    Path dir = Path.of("src/test/resources/fuzz/convoy");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".hex")).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new AssertionError("the corpus in " + dir + " is empty");
    }
    for (Path f : files) {
      byte[] input;
      try {
        input = HexFormat.of().parseHex(Files.readString(f).strip());
      } catch (IllegalArgumentException e) {
        throw new UncheckedIOException(new IOException(f + " is not hex: " + e.getMessage()));
      }
      decodeEverywhere(input);
    }
  }
}
