package dev.bourne.kayak.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.core.Message;
import dev.bourne.kayak.wire.RaftEnvelope;
import dev.bourne.kayak.wire.WireEntry;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every core message survives the wire; malformed input is refused with a typed exception. */
class WireCodecTest {
  private final Random random = new Random(42);
  private final NodeId a = NodeId.random(random);
  private final NodeId b = NodeId.random(random);
  private final ClusterId cluster = ClusterId.random(random);

  @Test
  void everyMessageKindRoundTrips() throws Exception {
    List<Message> all = List.of(
        new Message.VoteRequest(3, a, 10, 2, true, false),
        new Message.VoteResponse(3, a, false, true),
        new Message.AppendRequest(4, a, 9, 2, List.of(
            new Entry(10, 4, EntryKind.STD, new byte[] {1, 2}, new dev.bourne.kayak.api.AppendId(-5, 9, 3)),
            new Entry(11, 4, EntryKind.NOOP, new byte[0]), new Entry(12, 4, EntryKind.CONFIG, new byte[] {7})), 8),
        new Message.AppendResponse(4, a, false, 9, 5, 2),
        new Message.Heartbeat(4, a, 8, 77),
        new Message.HeartbeatResponse(4, a, 77),
        new Message.TimeoutNow(5, a));
    // every kind but InstallSnapshot, which the receiving host builds (snapshots travel in chunks)
    assertEquals(Message.Kind.values().length - 1, all.size());
    assertThrows(IllegalArgumentException.class, () -> WireCodec.encode(b, cluster,
        new Message.InstallSnapshot(5, a, 10, 4, dev.bourne.kayak.core.Membership.single(a)), Map.of()));
    Map<NodeId, HostPort> peers = Map.of(a, new HostPort("127.0.0.1", 1000), b, new HostPort("127.0.0.1", 1001));
    for (Message m : all) {
      WireCodec.Decoded d = WireCodec.decode(WireCodec.encode(b, cluster, m, peers));
      assertEquals(m, d.message());
      assertEquals(b, d.to());
      assertEquals(peers, d.peers());
      assertEquals(java.util.Optional.of(cluster), d.cluster());
    }
  }

  @Test
  void malformedInputIsRefused() {
    assertThrows(WireCodec.MalformedMessageException.class, () -> WireCodec.decode(new byte[] {(byte) 0xff, 0x13}));
    byte[] noBody = RaftEnvelope.newBuilder().setFrom(WireCodec.id(a)).setTo(WireCodec.id(b)).build().toByteArray();
    assertThrows(WireCodec.MalformedMessageException.class, () -> WireCodec.decode(noBody));
    byte[] shortId = RaftEnvelope.newBuilder().setFrom(com.google.protobuf.ByteString.copyFrom(new byte[3]))
        .setTo(WireCodec.id(b)).setTimeoutNow(dev.bourne.kayak.wire.TimeoutNow.getDefaultInstance())
        .build().toByteArray();
    assertThrows(WireCodec.MalformedMessageException.class, () -> WireCodec.decode(shortId));
    byte[] badEntry = RaftEnvelope.newBuilder().setFrom(WireCodec.id(a)).setTo(WireCodec.id(b)).setTerm(1)
        .setAppendRequest(dev.bourne.kayak.wire.AppendRequest.newBuilder()
            .addEntries(WireEntry.newBuilder().setIndex(0).setTerm(1).setKind(1)))
        .build().toByteArray();
    assertThrows(WireCodec.MalformedMessageException.class, () -> WireCodec.decode(badEntry));
    byte[] negative = RaftEnvelope.newBuilder().setFrom(WireCodec.id(a)).setTo(WireCodec.id(b)).setTerm(-1)
        .setTimeoutNow(dev.bourne.kayak.wire.TimeoutNow.getDefaultInstance()).build().toByteArray();
    assertThrows(WireCodec.MalformedMessageException.class, () -> WireCodec.decode(negative));
  }
}
