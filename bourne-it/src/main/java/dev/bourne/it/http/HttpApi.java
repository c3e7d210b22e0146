package dev.bourne.it.http;

import dev.bourne.common.net.HostPort;
import dev.bourne.it.metrics.KvMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The node's HTTP/JSON API on Netty's HTTP codec: {@code /v1/kv}, {@code /v1/members},
 * {@code /v1/groups}, {@code /v1/status} and {@code /metrics}. Requests larger than 1 MiB are
 * refused with 413 by the codec.
 */
public final class HttpApi implements AutoCloseable {
  private static final int MAX_REQUEST_BYTES = 1 << 20;

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;

  private HttpApi(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
  }

  /** {@link #start(HostPort, Backend, KvMetrics, HttpAccess)} with every call open. */
  public static HttpApi start(HostPort bind, Backend backend, KvMetrics metrics) {
    return start(bind, backend, metrics, HttpAccess.OPEN);
  }

  /**
   * Listens on {@code bind} and serves {@code backend}, refusing what {@code access} does not allow.
   *
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static HttpApi start(HostPort bind, Backend backend, KvMetrics metrics, HttpAccess access) {
    EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("http-accept", true));
    EventLoopGroup workers = new NioEventLoopGroup(2, new DefaultThreadFactory("http", true));
    ApiHandler handler = new ApiHandler(backend, metrics, access);
    try {
      Channel ch = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              c.pipeline().addLast(new HttpServerCodec(), new JsonRefusingAggregator(MAX_REQUEST_BYTES), handler);
            }
          })
          .bind(new InetSocketAddress(bind.host(), bind.port())).syncUninterruptibly().channel();
      return new HttpApi(boss, workers, ch);
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new UncheckedIOException("cannot listen for HTTP on " + bind + ": " + e.getMessage(),
          e instanceof java.io.IOException io ? io : new java.io.IOException(e));
    }
  }

  /** The aggregator, answering a body over the limit with the API's JSON error instead of a bare 413. */
  private static final class JsonRefusingAggregator extends HttpObjectAggregator {
    JsonRefusingAggregator(int max) {
      super(max);
    }

    @Override
    protected void handleOversizedMessage(io.netty.channel.ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpMessage oversized) {
      ApiHandler.refuseOversized(ctx, maxContentLength());
    }
  }

  /** Where the API listens (the bound port, if 0 was asked). */
  public HostPort address() {
    return HostPort.of((InetSocketAddress) channel.localAddress());
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
