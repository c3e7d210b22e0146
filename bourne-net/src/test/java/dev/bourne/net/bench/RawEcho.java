package dev.bourne.net.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: a Netty server echoing length-prefixed frames, and a client on one connection that
 * matches replies to requests by order (an echo preserves it). Same threads (one event loop per
 * side), same framing (one buffer per frame) and flush consolidation as the transport, none of its
 * envelope, correlation, timeout or dispatch work.
 */
final class RawEcho implements RpcBenchmark.Target {
  private final EventLoopGroup serverGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("raw-echo-server", true));
  private final EventLoopGroup clientGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("raw-echo-client", true));
  private final Channel server;
  private final Channel client;
  /** Replies pending, in send order; touched only on the client's event loop. */
  private final ArrayDeque<CompletableFuture<ByteBuf>> waiting = new ArrayDeque<>();

  private RawEcho() throws InterruptedException {
    server = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new FlushConsolidationHandler(256, true), new LengthFieldBasedFrameDecoder(16 << 20, 0, 4, 0, 0),
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ctx.writeAndFlush(msg); // the whole frame, length included
                  }
                });
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    client = new Bootstrap().group(clientGroup).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new FlushConsolidationHandler(256, true), new LengthFieldBasedFrameDecoder(16 << 20, 0, 4, 0, 4),
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf reply = (ByteBuf) msg;
                    // Copy out, as the transport does with its payloads.
                    byte[] bytes = new byte[reply.readableBytes()];
                    reply.readBytes(bytes);
                    reply.release();
                    waiting.poll().complete(null);
                  }
                });
          }
        })
        .connect(server.localAddress()).sync().channel();
  }

  static RawEcho start() throws InterruptedException {
    return new RawEcho();
  }

  @Override
  public CompletableFuture<?> call(byte[] payload) {
    CompletableFuture<ByteBuf> f = new CompletableFuture<>();
    if (client.eventLoop().inEventLoop()) {
      send(payload, f);
    } else {
      client.eventLoop().execute(() -> send(payload, f));
    }
    return f;
  }

  private void send(byte[] payload, CompletableFuture<ByteBuf> f) {
    waiting.add(f);
    ByteBuf buf = client.alloc().ioBuffer(4 + payload.length).writeInt(payload.length).writeBytes(payload);
    client.writeAndFlush(buf);
  }

  @Override
  public void close() {
    client.close().awaitUninterruptibly();
    server.close().awaitUninterruptibly();
    clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
