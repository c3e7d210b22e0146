package dev.bourne.convoy.bench;

import dev.bourne.common.net.HostPort;
import dev.bourne.net.MessageHandler;
import dev.bourne.net.RequestHandler;
import dev.bourne.net.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** A transport that counts what its member sends (messages and payload bytes). */
final class CountingTransport implements Transport {
  final Transport inner;
  final AtomicLong messages = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();

  CountingTransport(Transport inner) {
    this.inner = inner;
  }

  private void count(byte[] payload) {
    messages.incrementAndGet();
    bytes.addAndGet(payload.length);
  }

  @Override public HostPort localAddress() { return inner.localAddress(); }
  @Override public void handle(String method, RequestHandler handler) { inner.handle(method, handler); }
  @Override public void listen(String method, MessageHandler handler) { inner.listen(method, handler); }

  @Override
  public CompletableFuture<byte[]> call(HostPort peer, String method, byte[] payload, Duration timeout) {
    count(payload);
    return inner.call(peer, method, payload, timeout);
  }

  @Override
  public CompletableFuture<Void> send(HostPort peer, String method, byte[] payload) {
    count(payload);
    return inner.send(peer, method, payload);
  }

  @Override
  public CompletableFuture<Void> sendDatagram(HostPort peer, String method, byte[] payload) {
    count(payload);
    return inner.sendDatagram(peer, method, payload);
  }

  @Override public int maxDatagramPayload() { return inner.maxDatagramPayload(); }
  @Override public void close() { inner.close(); }
}
