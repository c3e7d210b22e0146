package dev.bourne.net.transport;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.net.HostPort;
import dev.bourne.net.Inbound;
import dev.bourne.net.PayloadTooLargeException;
import dev.bourne.net.TlsConfig;
import dev.bourne.net.UnreachableException;
import dev.bourne.net.internal.Envelopes;
import dev.bourne.net.wire.Envelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every TCP channel, accepted or dialled: serves requests and one-way messages
 * that arrive, completes the calls this side made on the channel, and closes the channel on any
 * bad input (counting it and logging it at a limited rate).
 *
 * <p>One instance per channel. Inbound events run on the channel's event loop; {@link #register}
 * may be called from any thread.
 */
final class ConnectionHandler extends SimpleChannelInboundHandler<Envelope> {
  private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

  private final TransportContext ctx;
  private final ConcurrentHashMap<Long, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
  private volatile Channel channel;
  private HostPort remote;
  private String lastSourceText;
  private HostPort lastSource;
  /** The peer's certified identity, once its TLS handshake succeeded and identities are bound. */
  private Optional<String> identity = Optional.empty();

  private final boolean accepted;

  /**
   * @param accepted true on the serving side of a connection: it stops reading requests while its
   *     replies are not being read (see {@link #channelWritabilityChanged})
   */
  ConnectionHandler(TransportContext ctx, boolean accepted) {
    this.ctx = ctx;
    this.accepted = accepted;
  }

  /**
   * Sends a request on this channel and completes {@code result} with its reply. The pending entry
   * is removed however {@code result} completes (reply, error, timeout, close, cancel).
   */
  void call(long id, Envelope request, CompletableFuture<byte[]> result) {
    Channel ch = channel;
    RuntimeException backedUp = checkBacklog(ch);
    if (backedUp != null) {
      result.completeExceptionally(backedUp);
      return;
    }
    pending.put(id, result);
    result.whenComplete((r, e) -> pending.remove(id));
    ch.writeAndFlush(request)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                result.completeExceptionally(failure("write to " + ch.remoteAddress() + " failed", f.cause()));
              }
            });
  }

  /**
   * Refuses to queue more for a peer that has stopped reading: without this, every call to it
   * would leave its request in memory until the connection died, however short its timeout.
   *
   * @return the failure to report, or null if the channel can take more
   */
  RuntimeException checkBacklog(Channel ch) {
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    long queued = out == null ? 0 : out.totalPendingWriteBytes();
    long limit = Math.max(4L * ctx.maxFrameBytes(), 8L << 20);
    if (queued <= limit) {
      return null;
    }
    ctx.metrics().backlogRefusals.increment();
    return failure(ch.remoteAddress() + " is not reading: " + queued + " bytes already queued for it", null);
  }

  @Override
  public void channelActive(ChannelHandlerContext c) throws Exception {
    channel = c.channel();
    if (c.channel().remoteAddress() instanceof InetSocketAddress a) {
      remote = HostPort.of(a);
    }
    super.channelActive(c);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext c) {
    channel = c.channel();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext c, Envelope env) {
    switch (env.getKind()) {
      case REQUEST -> serve(c, env);
      case ONE_WAY -> deliver(c, env);
      case RESPONSE -> complete(env.getCorrelationId(), env, null);
      case ERROR -> complete(env.getCorrelationId(), null, env);
      case KIND_UNSPECIFIED, UNRECOGNIZED -> malformed(c, "envelope kind " + env.getKindValue());
    }
  }

  private void serve(ChannelHandlerContext c, Envelope env) {
    Inbound from = inbound(c, env);
    if (from == null) {
      return;
    }
    ctx.dispatcher()
        .serve(from, env)
        .thenAccept(
            reply -> {
              Envelope out = reply;
              if (out.getSerializedSize() > ctx.maxFrameBytes()) {
                PayloadTooLargeException tooLarge =
                    new PayloadTooLargeException("reply to '" + env.getMethod() + "'", out.getSerializedSize(), ctx.maxFrameBytes());
                out = Envelopes.error(env.getCorrelationId(), tooLarge);
              }
              c.channel().writeAndFlush(out);
            });
  }

  private void deliver(ChannelHandlerContext c, Envelope env) {
    Inbound from = inbound(c, env);
    if (from != null && !ctx.dispatcher().deliver(from, env)) {
      ctx.metrics().unhandled.increment();
    }
  }

  private void complete(long id, Envelope response, Envelope error) {
    CompletableFuture<byte[]> f = pending.remove(id);
    if (f == null) {
      ctx.metrics().late.increment();
      return;
    }
    if (response != null) {
      f.complete(response.getPayload().toByteArray());
    } else {
      f.completeExceptionally(Envelopes.toException(error));
    }
  }

  /** The sender of an envelope, or null (and the channel closed) if its source is not an address. */
  private Inbound inbound(ChannelHandlerContext c, Envelope env) {
    String text = env.getSource();
    if (!text.equals(lastSourceText)) {
      try {
        lastSource = HostPort.parse(text);
        lastSourceText = text;
      } catch (IllegalArgumentException e) {
        malformed(c, "source '" + abbreviate(text, 64) + "' is not host:port");
        return null;
      }
    }
    if (ctx.bindsIdentity() && identity.isEmpty()) {
      // Read here too, in case a message is handed on before the handshake event.
      identity = peerCommonName(c);
      if (identity.isEmpty()) {
        c.close();
        return null;
      }
    }
    return new Inbound(lastSource, remote != null ? remote : lastSource, identity);
  }

  private void malformed(ChannelHandlerContext c, String why) {
    ctx.metrics().malformed.increment();
    ctx.limiter().warn("malformed-frame", "closing connection from {}: {}", c.channel().remoteAddress(), why);
    c.close();
  }

  /**
   * A peer that sends requests but does not read the replies would make the replies pile up in
   * memory. So the serving side stops reading while its outbound buffer is above the high water
   * mark, and TCP flow control pushes back on that peer alone. The calling side always reads (its
   * reads drain the other side's buffer), so two nodes cannot deadlock this way.
   */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext c) throws Exception {
    if (accepted) {
      boolean writable = c.channel().isWritable();
      if (!writable) {
        ctx.metrics().readsPaused.increment();
      }
      c.channel().config().setAutoRead(writable);
    }
    super.channelWritabilityChanged(c);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext c, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent hs && hs.isSuccess() && ctx.bindsIdentity()) {
      identity = peerCommonName(c);
      if (identity.isEmpty()) {
        ctx.metrics().tlsRefused.increment();
        ctx.limiter().warn("tls-no-identity", "TLS peer {} refused: its certificate names no identity (no CN)",
            c.channel().remoteAddress());
        c.close();
        return;
      }
    }
    if (evt instanceof SslHandshakeCompletionEvent hs && !hs.isSuccess()) {
      ctx.metrics().tlsRefused.increment();
      ctx.limiter().warn(
          "tls-refused", "TLS handshake with {} refused: {}", c.channel().remoteAddress(),
          abbreviate(String.valueOf(hs.cause()), 200)); // some causes hex-dump the whole input
      c.close();
      return;
    }
    super.userEventTriggered(c, evt);
  }

  private static Optional<String> peerCommonName(ChannelHandlerContext c) {
    SslHandler ssl = c.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? TlsConfig.commonName(leaf) : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      ctx.metrics().oversized.increment();
      ctx.limiter().warn("oversized-frame", "closing connection from {}: {}", c.channel().remoteAddress(), cause.getMessage());
    } else if (cause instanceof CorruptedFrameException) {
      ctx.metrics().malformed.increment();
      ctx.limiter().warn("malformed-frame", "closing connection from {}: {}", c.channel().remoteAddress(), cause.getMessage());
    } else if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
      log.debug("TLS failure on {}", c.channel().remoteAddress(), cause);
    } else if (cause instanceof IOException) {
      log.debug("I/O error on {}: {}", c.channel().remoteAddress(), cause.toString());
    } else {
      ctx.limiter().warn("channel-error", "closing connection to {} after an unexpected error", c.channel().remoteAddress(), cause);
    }
    c.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext c) throws Exception {
    if (!pending.isEmpty()) {
      RuntimeException e = failure("connection to " + c.channel().remoteAddress() + " closed", null);
      for (CompletableFuture<byte[]> f : pending.values()) {
        f.completeExceptionally(e);
      }
    }
    super.channelInactive(c);
  }

  private RuntimeException failure(String message, Throwable cause) {
    if (ctx.closing().getAsBoolean()) {
      return new ClosedException("transport closed");
    }
    return cause == null ? new UnreachableException(message) : new UnreachableException(message, cause);
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  /** True while the channel can carry calls. */
  boolean isActive() {
    Channel ch = channel;
    return ch != null && ch.isActive();
  }

  /** The channel, once added to a pipeline. */
  Channel channel() {
    return channel;
  }
}
