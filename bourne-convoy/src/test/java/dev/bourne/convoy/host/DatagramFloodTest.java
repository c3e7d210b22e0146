package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.net.Inbound;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A datagram flood while the loop is busy costs bounded memory: the excess is dropped and counted. */
class DatagramFloodTest {
  @Test
  void datagramsBeyondTheQueueBoundAreDroppedNotQueued() throws Exception {
    ConvoyNode node = (ConvoyNode) Convoy.start(ConvoyConfig.local().build());
    try (LoopBlocker blocker = LoopBlocker.block(node)) {
      int extra = 100;
      for (int i = 0; i < ConvoyNode.MAX_QUEUED_DATAGRAMS + extra; i++) {
        // From 64 addresses, so that no single address reaches its share of the queue.
        HostPort a = new HostPort("10.0.0." + (i % 64 + 1), 7946);
        node.onDatagram(new Inbound(a, a), new byte[] {(byte) 0xff, (byte) i}); // not a convoy message
      }
      assertEquals(extra, node.droppedDatagrams());
      blocker.close();
      blocker.task.get(10, TimeUnit.SECONDS);
      // Only the queued ones reach the decoder (each counted malformed).
      Await.until("the queued datagrams are processed", Duration.ofSeconds(20),
          node::malformedMessages, n -> n >= ConvoyNode.MAX_QUEUED_DATAGRAMS);
      node.onLoop(() -> null).get(10, TimeUnit.SECONDS);
      assertEquals(ConvoyNode.MAX_QUEUED_DATAGRAMS, node.malformedMessages());
      assertTrue(node.isRunning());
    } finally {
      node.shutdown();
    }
  }

  @Test
  void oneFloodingAddressCannotTakeTheQueueFromTheOthers() throws Exception {
    ConvoyNode node = (ConvoyNode) Convoy.start(ConvoyConfig.local().build());
    try (LoopBlocker blocker = LoopBlocker.block(node)) {
      HostPort flooder = new HostPort("10.6.6.6", 666);
      for (int i = 0; i < ConvoyNode.MAX_QUEUED_DATAGRAMS * 2; i++) {
        node.onDatagram(new Inbound(flooder, flooder), new byte[] {(byte) 0xff, (byte) i});
      }
      assertEquals(ConvoyNode.MAX_QUEUED_DATAGRAMS * 2 - ConvoyNode.MAX_QUEUED_PER_SOURCE, node.droppedDatagrams(),
          "the flooder got only its share");
      long dropped = node.droppedDatagrams();
      for (int i = 0; i < 200; i++) {
        HostPort honest = new HostPort("10.0.1." + (i % 20 + 1), 7946);
        node.onDatagram(new Inbound(honest, honest), new byte[] {(byte) 0xff, (byte) i});
      }
      assertEquals(dropped, node.droppedDatagrams(), "another address's datagrams were dropped");
      blocker.close();
      blocker.task.get(10, TimeUnit.SECONDS);
      Await.until("the queued datagrams are processed", Duration.ofSeconds(20),
          node::malformedMessages, n -> n >= ConvoyNode.MAX_QUEUED_PER_SOURCE + 200);
      node.onLoop(() -> null).get(10, TimeUnit.SECONDS);
      assertEquals(ConvoyNode.MAX_QUEUED_PER_SOURCE + 200, node.malformedMessages());
      // Once its datagrams were handled, the flooder's share is free again.
      node.onDatagram(new Inbound(flooder, flooder), new byte[] {(byte) 0xff});
      assertEquals(dropped, node.droppedDatagrams());
    } finally {
      node.shutdown();
    }
  }
}
