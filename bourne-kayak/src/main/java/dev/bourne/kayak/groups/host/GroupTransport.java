package dev.bourne.kayak.groups.host;

import dev.bourne.common.net.HostPort;
import dev.bourne.net.MessageHandler;
import dev.bourne.net.RequestHandler;
import dev.bourne.net.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One group's view of a transport shared by several groups (and Convoy): every method name gets
 * the suffix {@code @group}, so that each group's Kayak host has its own handlers on the one
 * transport. Closing it does not close the shared transport. Thread-safe as the transport is.
 */
final class GroupTransport implements Transport {
  private final Transport shared;
  private final String suffix;

  GroupTransport(Transport shared, String group) {
    this.shared = shared;
    this.suffix = "@" + group;
  }

  private String method(String m) {
    return m + suffix;
  }

  @Override
  public HostPort localAddress() {
    return shared.localAddress();
  }

  @Override
  public void handle(String method, RequestHandler handler) {
    shared.handle(method(method), handler);
  }

  @Override
  public void listen(String method, MessageHandler handler) {
    shared.listen(method(method), handler);
  }

  @Override
  public CompletableFuture<byte[]> call(HostPort peer, String method, byte[] payload, Duration timeout) {
    return shared.call(peer, method(method), payload, timeout);
  }

  @Override
  public CompletableFuture<Void> send(HostPort peer, String method, byte[] payload) {
    return shared.send(peer, method(method), payload);
  }

  @Override
  public CompletableFuture<Void> sendDatagram(HostPort peer, String method, byte[] payload) {
    return shared.sendDatagram(peer, method(method), payload);
  }

  @Override
  public int maxDatagramPayload() {
    return shared.maxDatagramPayload();
  }

  @Override
  public void close() {
    // shared: closed by its owner
  }
}
