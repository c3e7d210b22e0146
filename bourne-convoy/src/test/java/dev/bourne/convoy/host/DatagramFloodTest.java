package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
      Inbound from = new Inbound(node.address(), node.address());
      int extra = 100;
      for (int i = 0; i < ConvoyNode.MAX_QUEUED_DATAGRAMS + extra; i++) {
        node.onDatagram(from, new byte[] {(byte) 0xff, (byte) i}); // not a convoy message
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
}
