package dev.bourne.kayak.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.AppendId;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.core.MembershipChange;
import dev.bourne.kayak.wire.WireCodec.MalformedMessageException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestCodecTest {
  private final Random random = new Random(7);
  private final NodeId a = NodeId.random(random);
  private final NodeId b = NodeId.random(random);
  private final ClusterId cluster = ClusterId.random(random);

  @Test
  void everyRequestSurvivesTheWire() throws Exception {
    var append = RequestCodec.decodeAppend(RequestCodec.encode(
        new RequestCodec.Append(Optional.of(cluster), List.of(new byte[] {1, 2}, new byte[0]),
            List.of(new AppendId(77, 5, 3), new AppendId(77, 6, 3)), 250)));
    assertEquals(2, append.events().size());
    assertArrayEquals(new byte[] {1, 2}, append.events().get(0));
    assertEquals(0, append.events().get(1).length);
    assertEquals(250, append.timeoutMs());
    assertEquals(Optional.of(cluster), append.cluster());
    assertEquals(List.of(new AppendId(77, 5, 3), new AppendId(77, 6, 3)), append.ids());

    var appended = new RequestCodec.Appended(List.of(new RequestCodec.Run(7, 3, 2), new RequestCodec.Run(2, 1, 1)));
    assertEquals(appended, RequestCodec.decodeAppended(RequestCodec.encode(appended)));
    assertEquals(3, appended.events());
    var join = new RequestCodec.Join(Optional.empty(), a, HostPort.parse("127.0.0.1:7001"), 900);
    assertEquals(join, RequestCodec.decodeJoin(RequestCodec.encode(join)));
    var joined = new RequestCodec.Joined(cluster, a, Map.of(a, HostPort.parse("127.0.0.1:7001"),
        b, HostPort.parse("[::1]:7002")));
    assertEquals(joined, RequestCodec.decodeJoined(RequestCodec.encode(joined)));
    assertEquals(new RequestCodec.Leave(Optional.of(cluster), b, 5), RequestCodec.decodeLeave(RequestCodec.encode(new RequestCodec.Leave(Optional.of(cluster), b, 5))));
    assertEquals(new RequestCodec.Barrier(Optional.of(cluster), 11),
        RequestCodec.decodeBarrier(RequestCodec.encode(new RequestCodec.Barrier(Optional.of(cluster), 11))));
    assertEquals(42, RequestCodec.decodeReadIndex(RequestCodec.encodeReadIndex(42)));
    for (var change : List.of(new RequestCodec.Change(Optional.of(cluster), new MembershipChange.AddLearner(b),
        Optional.of(HostPort.parse("[::1]:7002")), 8), new RequestCodec.Change(Optional.of(cluster),
        new MembershipChange.Promote(b), Optional.empty(), 9), new RequestCodec.Change(Optional.empty(),
        new MembershipChange.Remove(a), Optional.of(HostPort.parse("127.0.0.1:1")), 10))) {
      assertEquals(change, RequestCodec.decodeChange(RequestCodec.encode(change)));
    }
    assertEquals(new RequestCodec.Transfer(Optional.empty(), b, 3),
        RequestCodec.decodeTransfer(RequestCodec.encode(new RequestCodec.Transfer(Optional.empty(), b, 3))));
  }

  @Test
  void malformedInputNamesWhatWasWrong() {
    byte[] garbage = {(byte) 0xff, 0x13};
    assertTrue(assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeAppend(garbage))
        .getMessage().contains("append call"));
    assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeJoin(garbage));
    assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeTransfer(garbage));

    byte[] noEvents = AppendCall.newBuilder().setTimeoutMs(5).build().toByteArray();
    assertTrue(assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeAppend(noEvents))
        .getMessage().contains("without events"));
    byte[] zeroPosition = AppendReply.newBuilder().addRuns(AppendRun.newBuilder().setFirstIndex(0).setTerm(1)
        .setCount(1)).build().toByteArray();
    assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeAppended(zeroPosition));
    byte[] noRuns = AppendReply.newBuilder().build().toByteArray();
    assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeAppended(noRuns));
    byte[] idsMissing = AppendCall.newBuilder().addEvents(com.google.protobuf.ByteString.copyFrom(new byte[1]))
        .setSession(9).build().toByteArray();
    assertTrue(assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeAppend(idsMissing))
        .getMessage().contains("seqs"));
    byte[] noSession = AppendCall.newBuilder().addEvents(com.google.protobuf.ByteString.copyFrom(new byte[1]))
        .addSeqs(1).addSettleds(1).build().toByteArray();
    assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeAppend(noSession));
    byte[] shortId = LeaveCall.newBuilder().setMember(com.google.protobuf.ByteString.copyFrom(new byte[3]))
        .build().toByteArray();
    assertTrue(assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeLeave(shortId))
        .getMessage().contains("3 bytes"));
    byte[] unknownKind = ChangeCall.newBuilder().setKind(7).setMember(WireCodec.id(a)).build().toByteArray();
    assertTrue(assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeChange(unknownKind))
        .getMessage().contains("unknown change kind 7"));
    byte[] addWithoutAddress = ChangeCall.newBuilder().setKind(1).setMember(WireCodec.id(a)).build().toByteArray();
    assertTrue(assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeChange(addWithoutAddress))
        .getMessage().contains("needs its address"));
    byte[] badAddress = JoinCall.newBuilder().setMember(WireCodec.peer(a, HostPort.parse("127.0.0.1:1")).toBuilder()
        .setAddress("no port here")).build().toByteArray();
    assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeJoin(badAddress));
    assertThrows(IllegalArgumentException.class,
        () -> new RequestCodec.Append(Optional.empty(), List.of(), List.of(), 0));
    assertThrows(IllegalArgumentException.class, () -> new RequestCodec.Append(Optional.empty(),
        List.of(new byte[1], new byte[1]), List.of(new AppendId(1, 1, 1), new AppendId(2, 1, 1)), 0));
    byte[] shortCluster = BarrierCall.newBuilder().setCluster(com.google.protobuf.ByteString.copyFrom(new byte[5]))
        .build().toByteArray();
    assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeBarrier(shortCluster));
    byte[] joinedWithoutCluster = JoinReply.newBuilder().setLeader(WireCodec.id(a)).build().toByteArray();
    assertThrows(MalformedMessageException.class, () -> RequestCodec.decodeJoined(joinedWithoutCluster));
  }
}
