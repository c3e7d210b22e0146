package dev.bourne.convoy.sim;

import dev.bourne.common.net.HostPort;
import dev.bourne.net.MessageHandler;
import dev.bourne.net.RequestHandler;
import dev.bourne.net.Transport;
import dev.bourne.net.sim.InMemoryTransport;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A member's {@link InMemoryTransport} as the simulator sees it: counts what the member sends,
 * drops datagrams to or from a member behind a UDP firewall ({@link SimCluster#blockUdp}), and
 * reports every message delivered to the member's handlers to the cluster's trace.
 *
 * <p>Not thread-safe, as the transport it wraps: the simulation's one thread uses it.
 */
final class SimTransport implements Transport {
  private final SimCluster cluster;
  private final InMemoryTransport inner;

  SimTransport(SimCluster cluster, InMemoryTransport inner) {
    this.cluster = cluster;
    this.inner = inner;
  }

  @Override
  public HostPort localAddress() {
    return inner.localAddress();
  }

  @Override
  public void handle(String method, RequestHandler handler) {
    inner.handle(method, (from, payload) -> {
      delivered(from.source(), method, payload);
      // Answers travel too: count them as sent by this member.
      return handler.handle(from, payload).thenApply(answer -> {
        cluster.sent(method, answer);
        return answer;
      });
    });
  }

  @Override
  public void listen(String method, MessageHandler handler) {
    inner.listen(method, (from, payload) -> {
      delivered(from.source(), method, payload);
      handler.onMessage(from, payload);
    });
  }

  private void delivered(HostPort from, String method, byte[] payload) {
    if (cluster.tracing()) {
      cluster.trace(cluster.now() + " " + from + ">" + localAddress() + " " + method + " " + Arrays.hashCode(payload));
    }
  }

  @Override
  public CompletableFuture<byte[]> call(HostPort peer, String method, byte[] payload, Duration timeout) {
    cluster.sent(method, payload);
    return inner.call(peer, method, payload, timeout);
  }

  @Override
  public CompletableFuture<Void> send(HostPort peer, String method, byte[] payload) {
    cluster.sent(method, payload);
    return inner.send(peer, method, payload);
  }

  @Override
  public CompletableFuture<Void> sendDatagram(HostPort peer, String method, byte[] payload) {
    cluster.sent(method, payload);
    if (cluster.udpBlocked(localAddress()) || cluster.udpBlocked(peer)) {
      return CompletableFuture.completedFuture(null); // handed to the network, lost at the firewall
    }
    return inner.sendDatagram(peer, method, payload);
  }

  @Override
  public int maxDatagramPayload() {
    return inner.maxDatagramPayload();
  }

  @Override
  public void close() {
    inner.close();
  }
}
