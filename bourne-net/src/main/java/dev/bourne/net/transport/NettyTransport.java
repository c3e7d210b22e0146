package dev.bourne.net.transport;

import com.google.common.net.InetAddresses;
import dev.bourne.common.error.ClosedException;
import dev.bourne.common.error.TimedOutException;
import dev.bourne.common.lifecycle.Lifecycle;
import dev.bourne.common.lifecycle.LifecycleState;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.Durations;
import dev.bourne.net.MessageHandler;
import dev.bourne.net.PayloadTooLargeException;
import dev.bourne.net.RequestHandler;
import dev.bourne.net.TlsConfig;
import dev.bourne.net.Transport;
import dev.bourne.net.UnreachableException;
import dev.bourne.net.internal.Dispatcher;
import dev.bourne.net.internal.Envelopes;
import dev.bourne.net.internal.LogLimiter;
import dev.bourne.net.wire.Envelope;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Transport} over real sockets: TCP for calls and one-way messages (one connection per
 * peer, calls multiplexed by correlation id, optional mutual TLS) and UDP on the same port number
 * for datagrams. Frames are a 4-byte length and a protobuf {@link Envelope}.
 *
 * <p>Connections: made on the first call to a peer and shared by every later call; after a failed
 * connect, calls to that peer fail at once with {@link UnreachableException} until the reconnect
 * backoff has passed. Flow control: a serving connection stops reading while its replies are not
 * being read, and calls to a peer that has stopped reading fail with {@link UnreachableException}
 * once four frames' worth (at least 8 MiB) is queued for it, so a stuck peer costs bounded memory.
 * Bad input (oversized, malformed, truncated or stalled frames, failed TLS handshakes) closes only
 * the offending connection, is counted in {@link NetMetrics} and logged at a limited rate.
 *
 * <p>Create with {@link #start(TransportConfig)}, which binds at once. Thread-safe. Handlers run on
 * the Netty event-loop threads ({@code bourne-net-io-*}); call futures complete on those threads
 * or on the timer thread ({@code bourne-net-timer-*}), so dependent stages must not block.
 * {@link #close()} releases every thread, channel and port before it returns.
 */
public final class NettyTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);
  private static final int UDP_BIND_ATTEMPTS = 10;

  /** Counts an envelope waiting to be encoded at its frame size, so backlog limits see it. */
  private static final MessageSizeEstimator ENVELOPE_SIZE = () -> msg ->
      msg instanceof Envelope e ? 4 + e.getSerializedSize() : DefaultMessageSizeEstimator.DEFAULT.newHandle().size(msg);

  private final TransportConfig config;
  private final Lifecycle lifecycle;
  private final Dispatcher dispatcher = new Dispatcher();
  private final NetMetrics metrics;
  private final TransportContext context;
  private final EventLoopGroup group;
  private final HashedWheelTimer timer;
  private final ChannelGroup channels = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
  private volatile SslContext serverSsl;
  private volatile SslContext clientSsl;
  private volatile String tlsStamp = "";
  private final Bootstrap dialer;
  private final ConcurrentHashMap<HostPort, PeerLink> links = new ConcurrentHashMap<>();
  private final ConnectionLimits limits;
  /** The common name of this node's certificate at start, when identities are bound and it comes from PEM. */
  private final String ownIdentity;
  private final ConcurrentHashMap<Long, CompletableFuture<byte[]>> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final Random jitter = new Random();
  private final int maxDatagramBytes;
  private volatile Channel udp;
  private volatile HostPort local;
  private volatile String source;

  private NettyTransport(TransportConfig config) throws SSLException {
    this.config = config;
    this.metrics = new NetMetrics(config.metrics());
    this.limits = new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerAddress());
    this.ownIdentity = config.tls().filter(t -> t.bindsIdentity() && t.certChain().isPresent())
        .map(TlsConfig::ownIdentity).orElse(null);
    this.maxDatagramBytes = config.maxDatagramPayload() + Envelopes.HEADER_ALLOWANCE;
    this.lifecycle = new Lifecycle("transport " + config.bind());
    this.context =
        new TransportContext(
            dispatcher, metrics, new LogLimiter(log, TimeUnit.SECONDS.toNanos(10)),
            config.maxFrameBytes(),
            () -> lifecycle.state().compareTo(LifecycleState.STOPPING) >= 0,
            config.tls().map(TlsConfig::bindsIdentity).orElse(false));
    if (config.tls().isPresent()) {
      tlsStamp = config.tls().get().fileStamp();
      this.serverSsl = TlsContexts.server(config.tls().get());
      this.clientSsl = TlsContexts.client(config.tls().get());
    }
    this.group = new NioEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("bourne-net-io", true));
    this.timer =
        new HashedWheelTimer(
            new DefaultThreadFactory("bourne-net-timer", true), 10, TimeUnit.MILLISECONDS, 512);
    this.dialer =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.MESSAGE_SIZE_ESTIMATOR, ENVELOPE_SIZE)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
            .handler(initializer(false));
  }

  /**
   * Binds TCP and UDP on the configured address (the same port number for both) and starts
   * serving.
   *
   * @throws UncheckedIOException if the address cannot be bound
   * @throws dev.bourne.common.config.ConfigException if the TLS material cannot be loaded
   */
  public static NettyTransport start(TransportConfig config) {
    Objects.requireNonNull(config, "config");
    NettyTransport t;
    try {
      t = new NettyTransport(config);
    } catch (SSLException | IllegalArgumentException e) {
      throw new dev.bourne.common.config.ConfigException("net.tls", config.tls().orElse(null), "cannot load TLS material: " + e.getMessage());
    }
    try {
      t.bind();
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  private void bind() {
    lifecycle.advanceTo(LifecycleState.STARTING);
    ServerBootstrap server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.MESSAGE_SIZE_ESTIMATOR, ENVELOPE_SIZE)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
            .childHandler(initializer(true));
    Bootstrap datagrams =
        new Bootstrap()
            .group(group)
            .channel(NioDatagramChannel.class)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(maxDatagramBytes + 1))
            .handler(new DatagramHandler(context, maxDatagramBytes, config.maxDatagramPayload()));
    InetSocketAddress requested = config.bind().toSocketAddress();
    for (int attempt = 1; ; attempt++) {
      ChannelFuture tcp = server.bind(requested).awaitUninterruptibly();
      if (!tcp.isSuccess()) {
        throw bindFailure("TCP", config.bind(), tcp.cause());
      }
      channels.add(tcp.channel());
      int port = ((InetSocketAddress) tcp.channel().localAddress()).getPort();
      ChannelFuture u = datagrams.bind(new InetSocketAddress(requested.getAddress(), port)).awaitUninterruptibly();
      if (u.isSuccess()) {
        channels.add(u.channel());
        udp = u.channel();
        publish(port);
        lifecycle.advanceTo(LifecycleState.RUNNING);
        log.info("transport listening on {} (advertised as {}){}", tcp.channel().localAddress(), local, serverSsl != null ? " with mutual TLS" : "");
        config.tls().flatMap(TlsConfig::reloadEvery).ifPresent(every -> group.next().scheduleWithFixedDelay(
            this::reloadTlsIfChanged, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS));
        return;
      }
      tcp.channel().close().awaitUninterruptibly();
      if (requested.getPort() != 0 || attempt == UDP_BIND_ATTEMPTS) {
        throw bindFailure("UDP", new HostPort(config.bind().host(), port), u.cause());
      }
      // Port 0: the free TCP port was taken for UDP by someone else; try another.
    }
  }

  /**
   * Loads the TLS material again from its files (or factories): connections opened from now on use
   * it; open connections keep the material they started with.
   *
   * @return false if this transport has no TLS
   * @throws dev.bourne.common.config.ConfigException if the material cannot be loaded (the old stays in use)
   */
  public boolean reloadTls() {
    if (config.tls().isEmpty()) {
      return false;
    }
    TlsConfig tls = config.tls().get();
    String stamp = tls.fileStamp();
    String renewed = ownIdentity == null ? null : tls.ownIdentity();
    if (ownIdentity != null && !ownIdentity.equals(renewed)) {
      // Peers check this node's messages against the id it started with: a certificate naming
      // another would have every new connection refused.
      throw new dev.bourne.common.config.ConfigException("net.tls", tls, "the renewed certificate names "
          + renewed + ", not " + ownIdentity + " as the one this transport started with (restart to change it)");
    }
    try {
      SslContext server = TlsContexts.server(tls);
      SslContext client = TlsContexts.client(tls);
      serverSsl = server;
      clientSsl = client;
      tlsStamp = stamp;
    } catch (SSLException | IllegalArgumentException e) {
      throw new dev.bourne.common.config.ConfigException("net.tls", tls, "cannot load TLS material: " + e.getMessage());
    }
    log.info("transport {}: TLS material loaded again ({})", local, tls);
    return true;
  }

  private void reloadTlsIfChanged() {
    String stamp = config.tls().get().fileStamp();
    if (stamp.equals(tlsStamp)) {
      return;
    }
    try {
      reloadTls();
    } catch (RuntimeException e) {
      tlsStamp = stamp; // one warning per change, not one per check
      log.warn("transport {}: the TLS files changed but cannot be loaded; keeping the old material: {}", local,
          e.getMessage());
    }
  }

  /**
   * Counts an accepted connection against the total and its address's limits; over either, it is
   * closed before a byte is read, counted ({@link NetMetrics#CONNECTIONS_REFUSED}) and logged.
   */
  private boolean admit(SocketChannel ch) {
    String ip = ch.remoteAddress() == null ? "?" : ch.remoteAddress().getAddress().getHostAddress();
    if (!limits.tryAdmit(ip)) {
      metrics.connectionsRefused.increment();
      context.limiter().warn("connection-limit", "refusing a connection from {}: {} open from it, {} in all (limits {} and {})",
          ip, limits.open(ip), limits.open(), limits.maxPerAddress(), limits.maxTotal());
      ch.close();
      return false;
    }
    ch.closeFuture().addListener(f -> limits.release(ip));
    return true;
  }

  private void publish(int port) {
    HostPort bound = new HostPort(config.bind().host(), port);
    HostPort adv = config.advertise().orElse(bound);
    local = adv.port() == 0 ? new HostPort(adv.host(), port) : adv;
    source = local.toString();
  }

  private static UncheckedIOException bindFailure(String what, HostPort where, Throwable cause) {
    BindException e = new BindException("cannot bind " + what + " on " + where + ": " + cause);
    e.initCause(cause);
    return new UncheckedIOException(e);
  }

  private ChannelInitializer<SocketChannel> initializer(boolean accepted) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        channels.add(ch);
        if (accepted && !admit(ch)) {
          return;
        }
        SslContext ssl = accepted ? serverSsl : clientSsl; // read per connection: a reload swaps them
        if (ssl != null) {
          ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
        }
        ch.pipeline()
            .addLast(new FlushConsolidationHandler(256, true))
            .addLast(
                new FrameDecoder(
                    config.maxFrameBytes(), config.frameTimeout().toNanos(), metrics,
                    () -> context.limiter().warn("stalled-frame", "closing connection from {}: a frame stayed incomplete for {}", ch.remoteAddress(), config.frameTimeout()),
                    accepted ? () -> context.limiter().warn("silent-connection", "closing connection from {}: it sent nothing within {}", ch.remoteAddress(), config.frameTimeout()) : null))
            .addLast(FrameEncoder.INSTANCE)
            .addLast(new ConnectionHandler(context, accepted));
        if (accepted) {
          metrics.accepted.increment();
        }
      }
    };
  }

  @Override
  public HostPort localAddress() {
    return local;
  }

  @Override
  public void handle(String method, RequestHandler handler) {
    dispatcher.handle(method, handler);
  }

  @Override
  public void listen(String method, MessageHandler handler) {
    dispatcher.listen(method, handler);
  }

  @Override
  public int maxDatagramPayload() {
    return config.maxDatagramPayload();
  }

  /** The configuration this transport runs with. */
  public TransportConfig config() {
    return config;
  }

  @Override
  public CompletableFuture<byte[]> call(HostPort peer, String method, byte[] payload, Duration timeout) {
    checkArgs(peer, method, payload);
    Durations.requirePositive(timeout, "timeout");
    if (isClosing()) {
      return CompletableFuture.failedFuture(new ClosedException("transport closed"));
    }
    long id = ids.incrementAndGet();
    Envelope request = Envelopes.request(id, method, payload, source);
    if (request.getSerializedSize() > config.maxFrameBytes()) {
      return CompletableFuture.failedFuture(
          new PayloadTooLargeException("request to '" + method + "'", request.getSerializedSize(), config.maxFrameBytes()));
    }
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    inFlight.put(id, result);
    Timeout deadline;
    try {
      deadline = timer.newTimeout(t -> expire(result, peer, method, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (IllegalStateException timerStopped) {
      inFlight.remove(id);
      return CompletableFuture.failedFuture(new ClosedException("transport closed"));
    }
    result.whenComplete((r, e) -> {
      deadline.cancel();
      inFlight.remove(id);
    });
    if (isClosing()) { // close() may have swept inFlight before the put above
      result.completeExceptionally(new ClosedException("transport closed"));
      return result;
    }
    link(peer).acquire().whenComplete((conn, err) -> {
      if (err != null) {
        result.completeExceptionally(connectFailure(peer, err));
      } else if (!result.isDone()) {
        conn.call(id, request, result);
      }
    });
    return result;
  }

  private void expire(CompletableFuture<byte[]> result, HostPort peer, String method, Duration timeout) {
    if (result.completeExceptionally(new TimedOutException("call '" + method + "' to " + peer + " timed out after " + timeout))) {
      metrics.timedOut.increment();
    }
  }

  @Override
  public CompletableFuture<Void> send(HostPort peer, String method, byte[] payload) {
    checkArgs(peer, method, payload);
    if (isClosing()) {
      return CompletableFuture.failedFuture(new ClosedException("transport closed"));
    }
    Envelope message = Envelopes.oneWay(method, payload, source);
    if (message.getSerializedSize() > config.maxFrameBytes()) {
      return CompletableFuture.failedFuture(
          new PayloadTooLargeException("message '" + method + "'", message.getSerializedSize(), config.maxFrameBytes()));
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    link(peer).acquire().whenComplete((conn, err) -> {
      if (err != null) {
        result.completeExceptionally(connectFailure(peer, err));
        return;
      }
      RuntimeException backedUp = conn.checkBacklog(conn.channel());
      if (backedUp != null) {
        result.completeExceptionally(backedUp);
        return;
      }
      conn.channel().writeAndFlush(message).addListener(f -> {
        if (f.isSuccess()) {
          result.complete(null);
        } else {
          result.completeExceptionally(connectFailure(peer, f.cause()));
        }
      });
    });
    return result;
  }

  @Override
  public CompletableFuture<Void> sendDatagram(HostPort peer, String method, byte[] payload) {
    checkArgs(peer, method, payload);
    if (payload.length > config.maxDatagramPayload()) {
      throw new PayloadTooLargeException("datagram", payload.length, config.maxDatagramPayload());
    }
    Envelope message = Envelopes.oneWay(method, payload, source);
    int size = message.getSerializedSize();
    if (size > maxDatagramBytes) {
      throw new PayloadTooLargeException("datagram with its method name", size, maxDatagramBytes);
    }
    if (isClosing()) {
      return CompletableFuture.failedFuture(new ClosedException("transport closed"));
    }
    Channel ch = udp;
    ByteBuf buf = ch.alloc().ioBuffer(size);
    try {
      ByteBuffer target = buf.nioBuffer(0, size);
      message.writeTo(com.google.protobuf.CodedOutputStream.newInstance(target));
      buf.writerIndex(size);
    } catch (java.io.IOException | RuntimeException e) {
      buf.release();
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    ch.writeAndFlush(new DatagramPacket(buf, peer.toSocketAddress())).addListener(f -> {
      if (f.isSuccess()) {
        result.complete(null);
      } else {
        result.completeExceptionally(connectFailure(peer, f.cause()));
      }
    });
    return result;
  }

  private PeerLink link(HostPort peer) {
    return links.computeIfAbsent(peer, p -> new PeerLink(p, this::dial, config.reconnectBackoff(), jitter));
  }

  private CompletableFuture<ConnectionHandler> dial(HostPort peer) {
    CompletableFuture<ConnectionHandler> result = new CompletableFuture<>();
    ChannelFuture connect;
    try {
      connect = dialer.connect(socketAddress(peer));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new UnreachableException("cannot connect to " + peer, e));
    }
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        metrics.connectFailures.increment();
        result.completeExceptionally(new UnreachableException("cannot connect to " + peer + ": " + f.cause(), f.cause()));
        return;
      }
      Channel ch = connect.channel();
      // Forget the peer once its connection is gone, so peers that come and go do not pile up.
      ch.closeFuture().addListener(x -> links.computeIfPresent(peer, (p, link) -> link.disposable() ? null : link));
      ConnectionHandler handler = ch.pipeline().get(ConnectionHandler.class);
      SslHandler ssl = ch.pipeline().get(SslHandler.class);
      if (ssl == null) {
        metrics.opened.increment();
        result.complete(handler);
        return;
      }
      ssl.handshakeFuture().addListener(hs -> {
        if (hs.isSuccess()) {
          metrics.opened.increment();
          result.complete(handler);
        } else {
          metrics.connectFailures.increment();
          ch.close();
          result.completeExceptionally(new UnreachableException("TLS handshake with " + peer + " failed: " + hs.cause(), hs.cause()));
        }
      });
    });
    return result;
  }

  private static InetSocketAddress socketAddress(HostPort peer) {
    return InetAddresses.isInetAddress(peer.host())
        ? peer.toSocketAddress()
        : InetSocketAddress.createUnresolved(peer.host(), peer.port());
  }

  private RuntimeException connectFailure(HostPort peer, Throwable err) {
    if (isClosing()) {
      return new ClosedException("transport closed");
    }
    Throwable t = Envelopes.unwrap(err);
    if (t instanceof RuntimeException re && (t instanceof UnreachableException || t instanceof ClosedException)) {
      return re;
    }
    return new UnreachableException("cannot reach " + peer + ": " + t, t);
  }

  private boolean isClosing() {
    return lifecycle.state().compareTo(LifecycleState.STOPPING) >= 0;
  }

  private static void checkArgs(HostPort peer, String method, byte[] payload) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(payload, "payload");
    if (method.isEmpty()) {
      throw new IllegalArgumentException("method must not be empty");
    }
  }

  /** Calls waiting for a reply (for tests and metrics). */
  public int inFlightCalls() {
    return inFlight.size();
  }

  /** Peers this transport holds connection state for: live, connecting or backing off. */
  public int knownPeers() {
    return links.size();
  }

  @Override
  public void close() {
    if (!lifecycle.advanceTo(LifecycleState.STOPPING)) {
      if (!onOwnThread()) {
        // closing already, maybe in the background: return once it is done, as the first close would
        group.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
      }
      return;
    }
    ClosedException closed = new ClosedException("transport closed");
    for (CompletableFuture<byte[]> f : inFlight.values()) {
      f.completeExceptionally(closed);
    }
    if (onOwnThread()) {
      // Closed from one of this transport's own threads (a handler, or a reply's callback that
      // shuts its host down): waiting for these threads to stop would wait for itself, so the
      // shutdown finishes in the background.
      channels.close();
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(f -> {
        timer.stop();
        lifecycle.advanceTo(LifecycleState.TERMINATED);
      });
      return;
    }
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    if (!group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS)) {
      log.warn("event loop of {} did not stop within 10 s", local);
    }
    timer.stop();
    lifecycle.advanceTo(LifecycleState.TERMINATED);
    log.debug("transport {} closed", local);
  }

  private boolean onOwnThread() {
    for (io.netty.util.concurrent.EventExecutor e : group) {
      if (e.inEventLoop()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "NettyTransport[" + local + "]";
  }
}
