package dev.bourne.net.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.metrics.SimpleMetrics;
import dev.bourne.net.internal.Envelopes;
import dev.bourne.net.wire.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The frame codec alone, on an {@link EmbeddedChannel}, under paranoid leak detection. */
class FrameCodecTest {
  private final SimpleMetrics metrics = new SimpleMetrics();
  private final NetMetrics counters = new NetMetrics(metrics);
  private final AtomicInteger stalls = new AtomicInteger();

  private EmbeddedChannel channel(int maxFrame) {
    return new EmbeddedChannel(new FrameDecoder(maxFrame, TimeUnit.SECONDS.toNanos(1), counters, stalls::incrementAndGet), FrameEncoder.INSTANCE);
  }

  private static List<Envelope> samples() {
    List<Envelope> out = new ArrayList<>();
    out.add(Envelopes.request(1, "m", new byte[0], "127.0.0.1:1"));
    out.add(Envelopes.request(Long.MAX_VALUE, "method/with/slashes", new byte[300], "[::1]:65535"));
    out.add(Envelopes.response(2, "payload".getBytes()));
    out.add(Envelopes.error(3, new dev.bourne.common.error.ErrorCode("NOT_LEADER"), "no", new byte[] {1, 2}));
    out.add(Envelopes.oneWay("gossip", new byte[5000], "h:1"));
    return out;
  }

  /** Encodes with the encoder, as the wire would carry it. */
  private ByteBuf encodeAll(List<Envelope> envs) {
    EmbeddedChannel enc = channel(1 << 20);
    for (Envelope e : envs) {
      assertTrue(enc.writeOutbound(e));
    }
    CompositeByteBuf all = Unpooled.compositeBuffer();
    ByteBuf b;
    while ((b = enc.readOutbound()) != null) {
      all.addComponent(true, b);
    }
    assertFalse(enc.finish());
    return all;
  }

  @Test
  void framesFedByteByByteDecodeToTheSameEnvelopes() {
    List<Envelope> envs = samples();
    ByteBuf wire = encodeAll(envs);
    EmbeddedChannel dec = channel(1 << 20);
    while (wire.isReadable()) {
      dec.writeInbound(wire.readRetainedSlice(1));
    }
    wire.release();
    for (Envelope e : envs) {
      assertEquals(e, dec.readInbound());
    }
    assertNull(dec.readInbound());
    assertFalse(dec.finish());
    assertEquals(0, metrics.count(NetMetrics.FRAMES_TRUNCATED));
  }

  @Test
  void manyFramesInOneBufferAllDecode() {
    List<Envelope> envs = samples();
    EmbeddedChannel dec = channel(1 << 20);
    dec.writeInbound(encodeAll(envs));
    for (Envelope e : envs) {
      assertEquals(e, dec.readInbound());
    }
    assertFalse(dec.finish());
  }

  @Test
  void frameLayoutIsALengthThenTheEnvelope() {
    Envelope e = Envelopes.request(9, "x", new byte[] {1, 2, 3}, "a:1");
    ByteBuf wire = encodeAll(List.of(e));
    assertEquals(e.getSerializedSize(), wire.readInt());
    byte[] rest = new byte[wire.readableBytes()];
    wire.readBytes(rest);
    wire.release();
    assertEquals(e, assertDoesNotThrowParse(rest));
  }

  private static Envelope assertDoesNotThrowParse(byte[] b) {
    try {
      return Envelope.parseFrom(b);
    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
      throw new AssertionError(ex);
    }
  }

  @Test
  void anOversizedLengthFailsOnTheHeaderWithoutAllocatingTheFrame() {
    TrackingAllocator alloc = new TrackingAllocator();
    EmbeddedChannel dec = channel(64 * 1024);
    dec.config().setAllocator(alloc);
    ByteBuf header = Unpooled.buffer(4).writeInt(1 << 30);
    assertThrows(TooLongFrameException.class, () -> dec.writeInbound(header));
    assertTrue(alloc.largest.get() < 64 * 1024, "largest allocation " + alloc.largest.get());
    // The rest of the announced frame is discarded, not buffered.
    dec.writeInbound(Unpooled.wrappedBuffer(new byte[8192]));
    assertNull(dec.readInbound());
    assertTrue(alloc.largest.get() < 64 * 1024, "largest allocation " + alloc.largest.get());
    dec.finishAndReleaseAll();
  }

  @Test
  void aLengthJustAtTheLimitIsAccepted() {
    Envelope e = Envelopes.oneWay("m", new byte[1000], "a:1");
    EmbeddedChannel dec = channel(e.getSerializedSize());
    dec.writeInbound(encodeAll(List.of(e)));
    assertEquals(e, dec.readInbound());
    assertFalse(dec.finish());
  }

  @Test
  void aNegativeLengthIsTooLongAndANonEnvelopeIsCorrupt() {
    EmbeddedChannel neg = channel(1024);
    assertThrows(TooLongFrameException.class, () -> neg.writeInbound(Unpooled.buffer(4).writeInt(-1)));
    neg.finishAndReleaseAll();
    EmbeddedChannel junk = channel(1024);
    ByteBuf frame = Unpooled.buffer().writeInt(4).writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
    assertThrows(CorruptedFrameException.class, () -> junk.writeInbound(frame));
    junk.finishAndReleaseAll();
  }

  @Test
  void nothingAfterARefusedFrameIsDecodedNotEvenAtClose() {
    // Found by FrameGuidedFuzzTest: the bytes behind a refused frame stayed buffered and were
    // decoded when the channel closed, handing the next handler envelopes from a refused peer (and
    // counting a second refusal).
    Envelope after = Envelopes.oneWay("m", new byte[3], "a:1");
    ByteBuf wire = Unpooled.buffer().writeInt(4).writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
    wire.writeBytes(encodeAll(List.of(after)));
    wire.writeInt(1 << 30);
    EmbeddedChannel dec = channel(1024);
    assertThrows(CorruptedFrameException.class, () -> dec.writeInbound(wire));
    assertFalse(dec.finish(), "no envelope from behind the refused frame");
    assertNull(dec.readInbound());
    assertEquals(0, metrics.count(NetMetrics.FRAMES_TRUNCATED));
  }

  @Test
  void aFrameCutOffByCloseIsCountedAsTruncated() {
    EmbeddedChannel dec = channel(1024);
    dec.writeInbound(Unpooled.buffer().writeInt(100).writeBytes(new byte[40]));
    assertNull(dec.readInbound());
    assertFalse(dec.finish());
    assertEquals(1, metrics.count(NetMetrics.FRAMES_TRUNCATED));
  }

  @Test
  void aHalfFrameLeftPastTheFrameTimeoutClosesTheChannel() {
    EmbeddedChannel dec = channel(1024);
    dec.writeInbound(Unpooled.buffer().writeInt(100).writeBytes(new byte[40]));
    dec.advanceTimeBy(999, TimeUnit.MILLISECONDS);
    dec.runScheduledPendingTasks();
    assertTrue(dec.isOpen());
    dec.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    dec.runScheduledPendingTasks();
    assertFalse(dec.isOpen());
    assertEquals(1, stalls.get());
    assertEquals(1, metrics.count(NetMetrics.FRAMES_STALLED));
    dec.finishAndReleaseAll();
  }

  @Test
  void aFrameCompletedInTimeDisarmsTheStallCheck() {
    Envelope e = Envelopes.oneWay("m", new byte[50], "a:1");
    ByteBuf wire = encodeAll(List.of(e));
    EmbeddedChannel dec = channel(1024);
    dec.writeInbound(wire.readRetainedSlice(10));
    dec.advanceTimeBy(900, TimeUnit.MILLISECONDS);
    dec.runScheduledPendingTasks();
    dec.writeInbound(wire.readRetainedSlice(wire.readableBytes()));
    wire.release();
    assertEquals(e, dec.readInbound());
    dec.advanceTimeBy(5, TimeUnit.SECONDS);
    dec.runScheduledPendingTasks();
    assertTrue(dec.isOpen());
    assertEquals(0, stalls.get());
    assertFalse(dec.finish());
  }

  /** Records the largest buffer capacity any caller asked for. */
  private static final class TrackingAllocator extends io.netty.buffer.AbstractByteBufAllocator {
    final AtomicInteger largest = new AtomicInteger();
    private final ByteBufAllocator delegate = PooledByteBufAllocator.DEFAULT;

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      largest.accumulateAndGet(initialCapacity, Math::max);
      return delegate.heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      largest.accumulateAndGet(initialCapacity, Math::max);
      return delegate.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return true;
    }
  }
}
