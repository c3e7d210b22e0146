package dev.bourne.it.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A light closed-loop HTTP/1.1 load client on Netty: {@code n} keep-alive connections, each a
 * client with one request outstanding, sending the next as soon as the answer comes. Light so
 * that on a small machine the servers, not the client, set the numbers; the same client measures
 * every system.
 */
final class LoadClient implements AutoCloseable {
  /** Makes request number {@code i}. */
  interface Requests {
    FullHttpRequest make(long i);
  }

  /** What a run measured. */
  record Result(double perSecond, double p50Ms, double p99Ms, long failed) {}

  private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("load-client", true));
  private final List<InetSocketAddress> servers;

  LoadClient(List<InetSocketAddress> servers) {
    this.servers = List.copyOf(servers);
  }

  static FullHttpRequest request(HttpMethod method, String path, String body) {
    ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path, content);
    r.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    return r;
  }

  /** Runs {@code connections} clients for {@code seconds}; connection k talks to server k mod servers. */
  Result run(int connections, double seconds, Requests requests) throws InterruptedException {
    Recorder latencies = new Recorder(3);
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong counter = new AtomicLong();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    CountDownLatch finished = new CountDownLatch(connections);
    List<Channel> channels = new ArrayList<>();
    long start = System.nanoTime();
    for (int k = 0; k < connections; k++) {
      InetSocketAddress server = servers.get(k % servers.size());
      long[] sentAt = new long[1];
      Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                  new SimpleChannelInboundHandler<FullHttpResponse>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
                      if (res.status().code() == 200) {
                        latencies.recordValue(Math.max(1, (System.nanoTime() - sentAt[0]) / 1000));
                        done.incrementAndGet();
                      } else {
                        failed.incrementAndGet();
                      }
                      if (System.nanoTime() < end) {
                        sentAt[0] = System.nanoTime();
                        ctx.writeAndFlush(requests.make(counter.getAndIncrement()));
                      } else {
                        finished.countDown();
                      }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                      failed.incrementAndGet();
                      finished.countDown();
                      ctx.close();
                    }
                  });
            }
          }).connect(server).syncUninterruptibly().channel();
      channels.add(ch);
      sentAt[0] = System.nanoTime();
      ch.writeAndFlush(requests.make(counter.getAndIncrement()));
    }
    boolean all = finished.await((long) seconds + 60, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    channels.forEach(Channel::close);
    var h = latencies.getIntervalHistogram();
    return new Result(done.get() / elapsed, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        failed.get() + (all ? 0 : 1));
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
