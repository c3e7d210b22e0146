package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.testing.Await;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.net.Inbound;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A datagram flood while the loop is busy costs bounded memory: the excess is dropped and counted. */
class DatagramFloodTest {
  @Test
  void datagramsBeyondTheQueueBoundAreDroppedNotQueued() throws Exception {
    ConvoyNode node = ConvoyNode.start(ConvoyConfig.local().build(), null);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      CompletableFuture<Object> busy = node.onLoop(() -> {
        running.countDown();
        release.await();
        return null;
      });
      assertTrue(running.await(10, TimeUnit.SECONDS), "the loop never ran the blocking task");
      Inbound from = new Inbound(node.address(), node.address());
      int extra = 100;
      for (int i = 0; i < ConvoyNode.MAX_QUEUED_DATAGRAMS + extra; i++) {
        node.onDatagram(from, new byte[] {(byte) 0xff, (byte) i}); // not a convoy message
      }
      assertEquals(extra, node.droppedDatagrams());
      release.countDown();
      busy.get(10, TimeUnit.SECONDS);
      // Only the queued ones reach the decoder (each counted malformed).
      Await.until("the queued datagrams are processed", Duration.ofSeconds(20),
          node::malformedMessages, n -> n >= ConvoyNode.MAX_QUEUED_DATAGRAMS);
      node.onLoop(() -> null).get(10, TimeUnit.SECONDS);
      assertEquals(ConvoyNode.MAX_QUEUED_DATAGRAMS, node.malformedMessages());
      assertTrue(node.isRunning());
    } finally {
      release.countDown();
      node.shutdown();
    }
  }
}
