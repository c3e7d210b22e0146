package dev.bourne.net.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bourne.common.metrics.SimpleMetrics;
import dev.bourne.common.net.HostPort;
import dev.bourne.net.wire.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing (Jazzer) of the frame decoder and of the parse of an envelope's source,
 * the first things a TCP peer's bytes meet. The input is cut into chunks (the fuzzer chooses the
 * cuts, as the network would) and fed to a decoder on an {@link EmbeddedChannel}; the decoder may
 * only refuse with a {@link DecoderException} (after which nothing more comes out of it), every
 * envelope it yields re-encodes to itself, and a source is either an address or refused with {@link
 * IllegalArgumentException}.
 *
 * <p>{@code mvn verify} replays the inputs kept in {@code FrameGuidedFuzzTestInputs/}; the README
 * shows the command that fuzzes (each crash found is written there and so becomes a regression input).
 */
@Tag("guided-fuzz")
class FrameGuidedFuzzTest {
  private static final int MAX_FRAME = 64 * 1024;

  @FuzzTest(maxDuration = "5m")
  void framesDecodeOrAreRefused(FuzzedDataProvider data) {
    AtomicInteger stalls = new AtomicInteger();
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX_FRAME, TimeUnit.SECONDS.toNanos(1),
        new NetMetrics(new SimpleMetrics()), stalls::incrementAndGet), FrameEncoder.INSTANCE);
    try {
      while (data.remainingBytes() > 0) {
        byte[] chunk = data.consumeBytes(1 + data.consumeInt(0, 4096));
        try {
          ch.writeInbound(Unpooled.wrappedBuffer(chunk));
        } catch (DecoderException refused) {
          // Frames before the refused one, in the same read, are handed on; then the connection is
          // closed, and nothing behind the refused frame may come out, not even at the close.
          for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
            checkEnvelope((Envelope) o);
          }
          assertFalse(ch.finish(), "an envelope came from behind a refused frame");
          return;
        }
        for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
          checkEnvelope((Envelope) o);
        }
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  private static void checkEnvelope(Envelope e) {
    EmbeddedChannel enc = new EmbeddedChannel(FrameEncoder.INSTANCE);
    enc.writeOutbound(e);
    ByteBuf wire = enc.readOutbound();
    try {
      assertEquals(e.getSerializedSize(), wire.readInt(), "the frame length is the envelope's size");
      byte[] body = new byte[wire.readableBytes()];
      wire.readBytes(body);
      assertEquals(e, Envelope.parseFrom(body), "a decoded envelope re-encodes to itself");
    } catch (InvalidProtocolBufferException ex) {
      throw new AssertionError("a decoded envelope did not parse again", ex);
    } finally {
      wire.release();
      enc.finishAndReleaseAll();
    }
    try {
      HostPort.parse(e.getSource());
    } catch (IllegalArgumentException refused) {
      // the handler closes the connection on this; any other exception would escape it
    }
  }
}
