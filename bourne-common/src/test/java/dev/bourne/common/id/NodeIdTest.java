package dev.bourne.common.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeIdTest {
  @Test
  void seededIdsAreReproducibleVersion4() {
    NodeId a = NodeId.random(new Random(1));
    assertEquals(a, NodeId.random(new Random(1)));
    assertNotEquals(a, NodeId.random(new Random(2)));
    assertEquals(4, a.uuid().version());
    assertEquals(2, a.uuid().variant());
    assertEquals(a, NodeId.parse(a.toString()));
    assertEquals(a.toString().substring(0, 8), a.shortString());
  }

  @Test
  void orderIsTotalAndParseErrorsQuoteTheInput() {
    NodeId x = NodeId.random(new Random(3));
    NodeId y = NodeId.random(new Random(4));
    assertEquals(-Integer.signum(x.compareTo(y)), Integer.signum(y.compareTo(x)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeId.parse("nope"));
    assertTrue(e.getMessage().contains("'nope'"));
    assertNotEquals(NodeId.random(), NodeId.random());
  }

  @Test
  void binaryFormRoundTripsAndRefusesAWrongLength() {
    NodeId id = NodeId.random(new java.util.Random(7));
    byte[] bytes = id.toBytes();
    assertEquals(NodeId.BYTES, bytes.length);
    assertEquals(id, NodeId.fromBytes(bytes));
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(20).putInt(9);
    id.writeTo(buf);
    buf.flip().getInt();
    assertEquals(id, NodeId.readFrom(buf));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NodeId.fromBytes(new byte[15]));
    assertTrue(e.getMessage().contains("15"), e.getMessage());
  }
}
