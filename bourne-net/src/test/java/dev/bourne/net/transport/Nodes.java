package dev.bourne.net.transport;

import dev.bourne.common.lifecycle.Closer;
import dev.bourne.common.metrics.SimpleMetrics;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Starts transports on 127.0.0.1 port 0 for a test and closes them all afterwards. */
final class Nodes implements AutoCloseable {
  private final Closer closer = new Closer();

  /** A transport with its own metrics. */
  record Node(NettyTransport transport, SimpleMetrics metrics) {}

  Node start() {
    return start(b -> b);
  }

  Node start(UnaryOperator<TransportConfig.Builder> tweak) {
    SimpleMetrics metrics = new SimpleMetrics();
    TransportConfig.Builder b =
        TransportConfig.builder().metrics(metrics).ioThreads(1).connectTimeout(Duration.ofSeconds(2));
    NettyTransport t = NettyTransport.start(tweak.apply(b).build());
    closer.register(t);
    return new Node(t, metrics);
  }

  @Override
  public void close() {
    closer.close();
  }
}
