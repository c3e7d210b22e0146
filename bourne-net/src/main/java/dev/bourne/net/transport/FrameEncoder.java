package dev.bourne.net.transport;

import com.google.protobuf.CodedOutputStream;
import dev.bourne.net.wire.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.ByteBuffer;

/**
 * Writes an {@link Envelope} as a frame: its 4-byte big-endian length, then its bytes, into one
 * exactly sized buffer. Callers check the size against the frame limit before writing. Stateless,
 * so one instance serves every channel.
 */
@ChannelHandler.Sharable
final class FrameEncoder extends MessageToByteEncoder<Envelope> {
  static final FrameEncoder INSTANCE = new FrameEncoder();

  private FrameEncoder() {
    super(Envelope.class);
  }

  @Override
  protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Envelope msg, boolean preferDirect) {
    return ctx.alloc().ioBuffer(4 + msg.getSerializedSize());
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Envelope msg, ByteBuf out) throws Exception {
    int size = msg.getSerializedSize();
    out.writeInt(size);
    out.ensureWritable(size);
    ByteBuffer target = out.nioBuffer(out.writerIndex(), size);
    CodedOutputStream cos = CodedOutputStream.newInstance(target);
    msg.writeTo(cos);
    cos.checkNoSpaceLeft();
    out.writerIndex(out.writerIndex() + size);
  }
}
