package dev.bourne.kayak.wire;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.AppendId;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.core.Membership;
import dev.bourne.kayak.core.MembershipCodec;
import dev.bourne.kayak.core.Message;
import dev.bourne.kayak.wire.WireCodec.MalformedMessageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Hostile input for Kayak's wire decoders (the Raft envelope, every client request and answer, the
 * membership payload), generated with jqwik with shrinking: random bytes, and valid messages with a
 * byte overwritten, truncated or with a byte inserted. A decoder may only refuse with {@link
 * MalformedMessageException} (the membership payload with {@link IllegalArgumentException}, as
 * documented). 1,000 tries per property in {@code mvn verify}; {@code -Djqwik.tries.default=N} for
 * longer runs.
 */
class KayakDecoderFuzzTest {
  private static final Random R = new Random(3);
  private static final NodeId A = NodeId.random(R);
  private static final NodeId B = NodeId.random(R);

  static List<byte[]> valid() {
    ClusterId cluster = ClusterId.random(R);
    Map<NodeId, HostPort> peers = Map.of(A, new HostPort("127.0.0.1", 1000));
    List<Message> all = List.of(
        new Message.VoteRequest(3, A, 10, 2, true, false), new Message.VoteResponse(3, A, false, true),
        new Message.AppendRequest(4, A, 9, 2, List.of(new Entry(10, 4, EntryKind.STD, new byte[] {1, 2},
            new AppendId(-5, 9, 3)), new Entry(11, 4, EntryKind.NOOP, new byte[0])), 8),
        new Message.AppendResponse(4, A, false, 9, 5, 2), new Message.Heartbeat(4, A, 8, 77),
        new Message.HeartbeatResponse(4, A, 77), new Message.TimeoutNow(5, A));
    List<byte[]> out = new ArrayList<>();
    for (Message m : all) {
      out.add(WireCodec.encode(B, cluster, m, peers));
    }
    out.add(MembershipCodec.encode(Membership.single(A)));
    return out;
  }

  /** A decoder under test. */
  private interface Decoder {
    void decode(byte[] bytes) throws MalformedMessageException;
  }

  private static final List<Decoder> DECODERS = List.of(
      b -> WireCodec.decode(b), b -> RequestCodec.decodeAppend(b), b -> RequestCodec.decodeAppended(b),
      b -> RequestCodec.decodeJoin(b), b -> RequestCodec.decodeJoined(b), b -> RequestCodec.decodeLeave(b),
      b -> RequestCodec.decodeChange(b), b -> RequestCodec.decodeBarrier(b), b -> RequestCodec.decodeReadIndex(b),
      b -> RequestCodec.decodeTransfer(b), b -> RequestCodec.decodeChunk(b), b -> RequestCodec.decodeChunkReply(b));

  static void decodeEverywhere(byte[] bytes) {
    for (Decoder d : DECODERS) {
      try {
        d.decode(bytes);
      } catch (MalformedMessageException refused) {
        // the only refusal allowed
      }
    }
    try {
      MembershipCodec.decode(bytes);
    } catch (IllegalArgumentException refused) {
      // documented
    }
  }

  @Property(seed = "20261211")
  void randomBytesAreRefusedCleanly(@ForAll @Size(max = 600) byte[] bytes) {
    decodeEverywhere(bytes);
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    return Combinators.combine(Arbitraries.of(valid()), Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(0, 10_000), Arbitraries.bytes()).as((b, op, where, value) -> {
          int at = where % b.length;
          if (op == 0) {
            byte[] c = b.clone();
            c[at] = value;
            return c;
          }
          if (op == 1) {
            return Arrays.copyOf(b, at);
          }
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, at);
          c[at] = value;
          System.arraycopy(b, at, c, at + 1, b.length - at);
          return c;
        });
  }

  @Property(seed = "20261212")
  void mutatedMessagesAreRefusedCleanly(@ForAll("mutated") byte[] bytes) {
    decodeEverywhere(bytes);
  }
}
