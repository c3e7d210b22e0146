package dev.bourne.convoy.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.core.Message;
import dev.bourne.convoy.core.Update;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WireCodecTest {
  private final Random random = new Random(5);
  private final NodeId a = NodeId.random(random);
  private final NodeId b = NodeId.random(random);
  private final HostPort addr = new HostPort("127.0.0.1", 7946);

  private List<Update> updates() {
    return List.of(new Update.Alive(a, addr, 3, 2), new Update.Suspect(b, 4, a), new Update.Failed(b, 5, a),
        new Update.Left(a, 6), new Update.Evicted(b, 7),
        new Update.ItemUpdate(a, 2, "ключ", new Item("värde", 9, false)),
        new Update.ItemUpdate(b, 1, "gone", new Item("", 10, true)));
  }

  @Test
  void everyMessageRoundTrips() {
    List<Message> all = List.of(
        new Message.Ping(1, b, a, updates()),
        new Message.Ack(2, b, updates()),
        new Message.Nack(3, a),
        new Message.PingReq(4, b, new HostPort("::1", 9), a, updates()),
        new Message.Gossip(a, updates()),
        new Message.PushPull(true, true, a,
            List.of(new Message.MemberRecord(a, addr, 1, 1, MemberState.SUSPECT),
                new Message.MemberRecord(b, addr, 2, 1, MemberState.EVICTED)),
            List.of(new Update.ItemUpdate(a, 1, "k", new Item("v", 1, false)))));
    for (Message m : all) {
      assertEquals(m, WireCodec.decode(WireCodec.encode(m)));
    }
  }

  @Test
  void malformedBytesAreATypedErrorNeverAnotherException() {
    assertThrows(MalformedMessageException.class, () -> WireCodec.decode(new byte[] {(byte) 0xff, 1, 2}));
    assertThrows(MalformedMessageException.class, () -> WireCodec.decode(new byte[0]));
    byte[] good = WireCodec.encode(new Message.Gossip(a, updates()));
    Random r = new Random(9);
    for (int i = 0; i < 5000; i++) {
      byte[] bad = good.clone();
      for (int k = 0; k < 1 + r.nextInt(4); k++) {
        bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
      }
      try {
        WireCodec.decode(bad);
      } catch (MalformedMessageException expected) {
        // the only failure allowed
      }
    }
  }

  /** Every update's size estimate bounds what it adds to an encoded message, at the largest counters. */
  @Test
  void sizeEstimatesBoundTheEncodedSize() {
    NodeId a = NodeId.random();
    NodeId b = NodeId.random();
    long big = (1L << 48) - 1;
    List<Update> worst = List.of(
        new Update.Alive(a, new HostPort("255.255.255.255", 65535), big, big),
        new Update.Alive(a, new HostPort("::ffff:255.255.255.255", 65535), big, big),
        new Update.Alive(a, new HostPort("a-rather-long-host-name.example.internal", 65535), big, big),
        new Update.Alive(a, new HostPort(("h".repeat(60) + ".").repeat(4) + "io", 65535), big, big), // two-byte lengths
        new Update.Suspect(a, big, b),
        new Update.Failed(a, big, b),
        new Update.Left(a, big),
        new Update.Evicted(a, big),
        new Update.ItemUpdate(a, big, "k".repeat(200), new Item("v".repeat(4000), big, true)),
        new Update.ItemUpdate(a, big, "ключ", new Item("значение", big, false)));
    int empty = WireCodec.encode(new Message.Gossip(a, List.of())).length;
    for (Update u : worst) {
      int added = WireCodec.encode(new Message.Gossip(a, List.of(u))).length - empty;
      org.junit.jupiter.api.Assertions.assertTrue(added <= u.estimatedBytes(),
          u + ": encodes to " + added + " bytes, estimated " + u.estimatedBytes());
    }
  }
}
