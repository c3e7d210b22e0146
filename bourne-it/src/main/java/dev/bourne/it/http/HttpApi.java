package dev.bourne.it.http;

import dev.bourne.common.net.HostPort;
import dev.bourne.it.metrics.KvMetrics;
import dev.bourne.net.TlsConfig;
import dev.bourne.net.transport.ConnectionLimits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The node's HTTP/JSON API on Netty's HTTP codec: {@code /v1/kv}, {@code /v1/members},
 * {@code /v1/groups}, {@code /v1/status} and {@code /metrics}. Requests larger than 1 MiB are
 * refused with 413 by the codec.
 */
public final class HttpApi implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpApi.class);
  private static final int MAX_REQUEST_BYTES = 1 << 20;

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;
  private final ConnectionLimits admitted;

  private HttpApi(EventLoopGroup boss, EventLoopGroup workers, Channel channel, ConnectionLimits admitted) {
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
    this.admitted = admitted;
  }

  /** {@link #start(HostPort, Backend, KvMetrics, HttpAccess, Optional, HttpLimits)} with every call open, in plain HTTP. */
  public static HttpApi start(HostPort bind, Backend backend, KvMetrics metrics) {
    return start(bind, backend, metrics, HttpAccess.OPEN, Optional.empty(), HttpLimits.DEFAULT);
  }

  /**
   * Listens on {@code bind} and serves {@code backend}, refusing what {@code access} does not allow;
   * with {@code tls}, over HTTPS with its certificate (clients are not asked for one), the files
   * loaded again when they change if the material says so; connections beyond {@code limits} are
   * closed at once, and silent ones after its idle timeout.
   *
   * @throws UncheckedIOException if the address cannot be bound
   * @throws dev.bourne.common.config.ConfigException if the TLS material cannot be loaded
   */
  public static HttpApi start(HostPort bind, Backend backend, KvMetrics metrics, HttpAccess access,
      Optional<TlsConfig> tls, HttpLimits limits) {
    ConnectionLimits admitted = new ConnectionLimits(limits.maxConnections(), limits.maxConnectionsPerAddress());
    java.util.concurrent.atomic.AtomicBoolean refusalLogged = new java.util.concurrent.atomic.AtomicBoolean();
    ServerTls serverTls = tls.map(ServerTls::new).orElse(null);
    EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("http-accept", true));
    EventLoopGroup workers = new NioEventLoopGroup(2, new DefaultThreadFactory("http", true));
    ApiHandler handler = new ApiHandler(backend, metrics, access);
    if (serverTls != null) {
      serverTls.tls.reloadEvery().ifPresent(every -> workers.next().scheduleWithFixedDelay(serverTls::reloadIfChanged,
          every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS));
    }
    try {
      Channel ch = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              String ip = c.remoteAddress() == null ? "?" : c.remoteAddress().getAddress().getHostAddress();
              if (!admitted.tryAdmit(ip)) {
                metrics.refusedConnection();
                if (refusalLogged.compareAndSet(false, true)) {
                  LOG.warn("refusing an HTTP connection from {}: {} open from it, {} in all (limits {} and {}; logged"
                      + " once, counted in bourne_http_connections_closed_total)", ip, admitted.open(ip), admitted.open(),
                      limits.maxConnectionsPerAddress(), limits.maxConnections());
                } else {
                  LOG.debug("refusing an HTTP connection from {}", ip);
                }
                c.close();
                return;
              }
              c.closeFuture().addListener(f -> admitted.release(ip));
              c.pipeline().addLast(new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS),
                  new IdleCloser(metrics));
              if (serverTls != null) {
                c.pipeline().addLast(serverTls.context.newHandler(c.alloc()));
              }
              c.pipeline().addLast(new HttpServerCodec(), new JsonRefusingAggregator(MAX_REQUEST_BYTES), handler);
            }
          })
          .bind(new InetSocketAddress(bind.host(), bind.port())).syncUninterruptibly().channel();
      return new HttpApi(boss, workers, ch, admitted);
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new UncheckedIOException("cannot listen for HTTP on " + bind + ": " + e.getMessage(),
          e instanceof java.io.IOException io ? io : new java.io.IOException(e));
    }
  }

  /** Closes a connection that stayed silent past the idle timeout. */
  private static final class IdleCloser extends ChannelInboundHandlerAdapter {
    private final KvMetrics metrics;

    IdleCloser(KvMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent) {
        metrics.idleConnection();
        ctx.close();
        return;
      }
      super.userEventTriggered(ctx, evt);
    }
  }

  /** The API's server-side TLS: a context built from the PEM files, rebuilt when they change. */
  private static final class ServerTls {
    final TlsConfig tls;
    volatile SslContext context;
    private volatile String stamp;

    ServerTls(TlsConfig tls) {
      this.tls = tls;
      this.stamp = tls.fileStamp();
      this.context = build(tls);
    }

    static SslContext build(TlsConfig tls) {
      try {
        if (tls.keyManager().isPresent()) {
          return SslContextBuilder.forServer(tls.keyManager().get()).build();
        }
        return SslContextBuilder.forServer(tls.certChain().get().toFile(), tls.privateKey().get().toFile()).build();
      } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
        throw new dev.bourne.common.config.ConfigException("tls-cert-chain", tls, "cannot load TLS material: " + e.getMessage());
      }
    }

    void reloadIfChanged() {
      String now = tls.fileStamp();
      if (now.equals(stamp)) {
        return;
      }
      stamp = now;
      try {
        context = build(tls);
        LOG.info("HTTP API: TLS material loaded again ({})", tls);
      } catch (RuntimeException e) {
        LOG.warn("HTTP API: the TLS files changed but cannot be loaded; keeping the old material: {}", e.getMessage());
      }
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

  /** The connections open now (admitted by the limits and not closed yet). */
  public int openConnections() {
    return admitted.open();
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
