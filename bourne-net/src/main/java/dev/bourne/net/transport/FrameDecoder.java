package dev.bourne.net.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.bourne.net.wire.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns a TCP byte stream into {@link Envelope}s: a 4-byte big-endian length, then that many bytes
 * of envelope.
 *
 * <p>Refusals, all of which end in an exception (the connection handler closes the channel):
 * a length above the maximum raises {@link io.netty.handler.codec.TooLongFrameException} as soon
 * as the 4 length bytes are read, before any buffer for the frame is allocated (fail-fast mode of
 * {@link LengthFieldBasedFrameDecoder}); the length is unsigned, so a "negative" one is simply too
 * long; bytes that are not an envelope raise {@link CorruptedFrameException}.
 *
 * <p>Stalls: if a frame stays incomplete for the frame timeout, the connection is closed, so a
 * peer that sends half a frame and stops cannot pin a buffer forever. A connection that ends in the
 * middle of a frame is counted as truncated.
 *
 * <p>One instance per channel; runs on the channel's event loop.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
  private final long frameTimeoutNanos;
  private final NetMetrics metrics;
  private final Runnable onStall;
  private final Runnable onSilence;
  private long framesDecoded;
  private long framesAtArm;
  private ScheduledFuture<?> stallCheck;
  private ScheduledFuture<?> silenceCheck;
  /** Set once a frame was refused: the connection is closing, and nothing after it is decoded. */
  private boolean refused;
  /** Set by the first bytes read: from then on, the stall check covers the connection. */
  private boolean sawBytes;

  /**
   * @param maxFrameBytes the largest envelope accepted
   * @param frameTimeoutNanos how long a frame may stay incomplete, and (with {@code onSilence}) how
   *     long a new connection may stay without sending a byte
   * @param onStall called (on the event loop) when a frame stalled, before the channel is closed
   * @param onSilence called (on the event loop) when nothing came in time, before the
   *     channel is closed; null for no deadline (the dialling side, which may wait for replies)
   */
  FrameDecoder(int maxFrameBytes, long frameTimeoutNanos, NetMetrics metrics, Runnable onStall, Runnable onSilence) {
    // Netty's limit counts the 4 length bytes; ours is on the envelope alone.
    super(maxFrameBytes + 4, 0, 4, 0, 4, true);
    this.frameTimeoutNanos = frameTimeoutNanos;
    this.metrics = metrics;
    this.onStall = onStall;
    this.onSilence = onSilence;
  }

  /** A decoder without a first-frame deadline. */
  FrameDecoder(int maxFrameBytes, long frameTimeoutNanos, NetMetrics metrics, Runnable onStall) {
    this(maxFrameBytes, frameTimeoutNanos, metrics, onStall, null);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // Behind TLS, the deadline starts once the handshake is done (it has a deadline of its own).
    if (onSilence != null && ctx.pipeline().get(SslHandler.class) == null) {
      armSilence(ctx);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (onSilence != null && evt instanceof SslHandshakeCompletionEvent hs && hs.isSuccess() && !sawBytes) {
      armSilence(ctx);
    }
    super.userEventTriggered(ctx, evt);
  }

  private void armSilence(ChannelHandlerContext ctx) {
    // A connection that never sends a byte would otherwise hold its slot (and a share of the
    // connection limits) for as long as it likes: connections from many addresses could fill them.
    silenceCheck = ctx.executor().schedule(() -> {
      silenceCheck = null;
      if (!sawBytes && !refused && ctx.channel().isActive()) {
        metrics.silent.increment();
        onSilence.run();
        ctx.close();
      }
    }, frameTimeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void cancelSilence() {
    if (silenceCheck != null) {
      silenceCheck.cancel(false);
      silenceCheck = null;
    }
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    if (refused) {
      in.skipBytes(in.readableBytes());
      return null;
    }
    ByteBuf frame;
    try {
      frame = (ByteBuf) super.decode(ctx, in);
    } catch (DecoderException e) {
      refused = true;
      throw e;
    }
    if (frame == null) {
      return null;
    }
    try {
      framesDecoded++;
      return Envelope.parseFrom(frame.nioBuffer());
    } catch (InvalidProtocolBufferException e) {
      refused = true;
      throw new CorruptedFrameException("frame is not an envelope: " + e.getMessage(), e);
    } finally {
      frame.release();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!sawBytes) {
      sawBytes = true;
      cancelSilence();
    }
    super.channelRead(ctx, msg);
    if (actualReadableBytes() > 0) {
      if (stallCheck == null) {
        arm(ctx);
      }
    } else {
      disarm();
    }
  }

  private void arm(ChannelHandlerContext ctx) {
    framesAtArm = framesDecoded;
    stallCheck = ctx.executor().schedule(() -> check(ctx), frameTimeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void check(ChannelHandlerContext ctx) {
    stallCheck = null;
    if (actualReadableBytes() == 0 || !ctx.channel().isActive()) {
      return;
    }
    if (framesDecoded != framesAtArm || !ctx.channel().config().isAutoRead()) {
      // Progress (a later frame is the incomplete one now), or we paused reading ourselves because
      // the peer is slow to take replies: not the peer stalling.
      arm(ctx);
      return;
    }
    metrics.stalled.increment();
    onStall.run();
    ctx.close();
  }

  private void disarm() {
    if (stallCheck != null) {
      stallCheck.cancel(false);
      stallCheck = null;
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws Exception {
    super.decodeLast(ctx, in, out);
    if (in.isReadable() && !refused) {
      metrics.truncated.increment();
      in.skipBytes(in.readableBytes());
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    disarm();
    cancelSilence();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    disarm();
    cancelSilence();
    super.channelInactive(ctx);
  }
}
