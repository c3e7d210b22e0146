package dev.bourne.net.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.bourne.common.net.HostPort;
import dev.bourne.net.Inbound;
import dev.bourne.net.wire.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives datagrams: each must be one ONE_WAY envelope within the size limits, else it is dropped,
 * counted and logged at a limited rate. Runs on the UDP channel's event loop.
 */
final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger log = LoggerFactory.getLogger(DatagramHandler.class);

  private final TransportContext ctx;
  private final int maxDatagramBytes;
  private final int maxPayload;

  /**
   * @param maxDatagramBytes the largest whole datagram accepted (payload plus envelope headers)
   * @param maxPayload the largest payload accepted
   */
  DatagramHandler(TransportContext ctx, int maxDatagramBytes, int maxPayload) {
    this.ctx = ctx;
    this.maxDatagramBytes = maxDatagramBytes;
    this.maxPayload = maxPayload;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext c, DatagramPacket packet) {
    ByteBuf content = packet.content();
    if (content.readableBytes() > maxDatagramBytes) {
      drop(packet, "larger than " + maxDatagramBytes + " bytes");
      return;
    }
    Envelope env;
    try {
      env = Envelope.parseFrom(content.nioBuffer());
    } catch (InvalidProtocolBufferException e) {
      drop(packet, "not an envelope");
      return;
    }
    if (env.getKind() != Envelope.Kind.ONE_WAY || env.getPayload().size() > maxPayload) {
      drop(packet, "not a one-way envelope within " + maxPayload + " payload bytes");
      return;
    }
    HostPort remote = HostPort.of(packet.sender());
    HostPort source;
    try {
      source = env.getSource().isEmpty() ? remote : HostPort.parse(env.getSource());
    } catch (IllegalArgumentException e) {
      drop(packet, "source is not host:port");
      return;
    }
    if (!ctx.dispatcher().deliver(new Inbound(source, remote), env)) {
      ctx.metrics().unhandled.increment();
    }
  }

  private void drop(DatagramPacket packet, String why) {
    ctx.metrics().datagramsDropped.increment();
    ctx.limiter().warn("bad-datagram", "dropped a datagram from {}: {}", packet.sender(), why);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
    // UDP errors (e.g. ICMP port unreachable surfacing as an exception) must not close the socket.
    log.debug("datagram channel error", cause);
  }
}
