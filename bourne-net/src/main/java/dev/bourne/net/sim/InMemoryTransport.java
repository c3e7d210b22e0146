package dev.bourne.net.sim;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.error.TimedOutException;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.Cancellable;
import dev.bourne.common.time.Durations;
import dev.bourne.net.Inbound;
import dev.bourne.net.MessageHandler;
import dev.bourne.net.PayloadTooLargeException;
import dev.bourne.net.RequestHandler;
import dev.bourne.net.Transport;
import dev.bourne.net.UnreachableException;
import dev.bourne.net.internal.Dispatcher;
import dev.bourne.net.internal.Envelopes;
import dev.bourne.net.wire.Envelope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Transport} over an {@link InMemoryNetwork}: the same methods, envelopes, limits and
 * failures as the Netty transport, with time and faults under the test's control. Made by {@link
 * InMemoryNetwork#transport(HostPort)}.
 *
 * <p>How real failures map: calling a peer with no open transport fails at once with {@link
 * UnreachableException} (connection refused); calls in flight to a peer that {@link #close()}s fail
 * with {@link UnreachableException} (connection closed); a peer cut off by a partition, detached
 * from the network, or whose messages are dropped, makes calls fail with {@link TimedOutException}
 * when their deadline passes on the virtual clock. Unlike TCP, calls and one-way messages are
 * subject to the network's loss, duplication and reordering too, which is what fault tests want.
 *
 * <p>Not thread-safe: use it from the thread that advances the clock. Handlers and future
 * completions run on that thread, inside {@code clock.advance}.
 */
public final class InMemoryTransport implements Transport {
  private final InMemoryNetwork net;
  private final HostPort address;
  private final String source;
  private final int maxFrameBytes;
  private final int maxDatagramPayload;
  private final Dispatcher dispatcher = new Dispatcher();
  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private boolean closed;
  private long unhandled;
  private long late;

  private record Pending(HostPort peer, CompletableFuture<byte[]> result, Cancellable deadline) {}

  InMemoryTransport(InMemoryNetwork net, HostPort address, int maxFrameBytes, int maxDatagramPayload) {
    this.net = net;
    this.address = address;
    this.source = address.toString();
    this.maxFrameBytes = maxFrameBytes;
    this.maxDatagramPayload = maxDatagramPayload;
  }

  @Override
  public HostPort localAddress() {
    return address;
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
    return maxDatagramPayload;
  }

  @Override
  public CompletableFuture<byte[]> call(HostPort peer, String method, byte[] payload, Duration timeout) {
    checkArgs(peer, method, payload);
    Durations.requirePositive(timeout, "timeout");
    if (closed) {
      return CompletableFuture.failedFuture(new ClosedException("transport closed"));
    }
    long id = net.nextCorrelationId();
    Envelope request = Envelopes.request(id, method, payload, source);
    if (request.getSerializedSize() > maxFrameBytes) {
      return CompletableFuture.failedFuture(new PayloadTooLargeException("request to '" + method + "'", request.getSerializedSize(), maxFrameBytes));
    }
    if (!net.network().isAttached(peer)) {
      return CompletableFuture.failedFuture(new UnreachableException("cannot connect to " + peer + ": no node there"));
    }
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    Cancellable deadline =
        net.clock().schedule(timeout, () -> result.completeExceptionally(new TimedOutException("call '" + method + "' to " + peer + " timed out after " + timeout)));
    pending.put(id, new Pending(peer, result, deadline));
    result.whenComplete((r, e) -> {
      deadline.cancel();
      pending.remove(id);
    });
    net.network().send(address, peer, request);
    return result;
  }

  @Override
  public CompletableFuture<Void> send(HostPort peer, String method, byte[] payload) {
    checkArgs(peer, method, payload);
    if (closed) {
      return CompletableFuture.failedFuture(new ClosedException("transport closed"));
    }
    Envelope message = Envelopes.oneWay(method, payload, source);
    if (message.getSerializedSize() > maxFrameBytes) {
      return CompletableFuture.failedFuture(new PayloadTooLargeException("message '" + method + "'", message.getSerializedSize(), maxFrameBytes));
    }
    if (!net.network().isAttached(peer)) {
      return CompletableFuture.failedFuture(new UnreachableException("cannot connect to " + peer + ": no node there"));
    }
    net.network().send(address, peer, message);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> sendDatagram(HostPort peer, String method, byte[] payload) {
    checkArgs(peer, method, payload);
    if (payload.length > maxDatagramPayload) {
      throw new PayloadTooLargeException("datagram", payload.length, maxDatagramPayload);
    }
    if (closed) {
      return CompletableFuture.failedFuture(new ClosedException("transport closed"));
    }
    net.network().send(address, peer, Envelopes.oneWay(method, payload, source));
    return CompletableFuture.completedFuture(null);
  }

  /** The network's inbox for this node. */
  void receive(HostPort from, Envelope env) {
    if (closed) {
      return;
    }
    switch (env.getKind()) {
      case REQUEST -> dispatcher.serve(new Inbound(sourceOf(env, from), from), env).thenAccept(reply -> {
        if (!closed) {
          net.network().send(address, from, reply);
        }
      });
      case ONE_WAY -> {
        if (!dispatcher.deliver(new Inbound(sourceOf(env, from), from), env)) {
          unhandled++;
        }
      }
      case RESPONSE, ERROR -> complete(env);
      case KIND_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalStateException("simulated peer sent an envelope without a kind: " + env);
    }
  }

  private void complete(Envelope env) {
    Pending p = pending.remove(env.getCorrelationId());
    if (p == null) {
      late++; // timed out already, or a duplicate
      return;
    }
    if (env.getKind() == Envelope.Kind.RESPONSE) {
      p.result().complete(env.getPayload().toByteArray());
    } else {
      p.result().completeExceptionally(Envelopes.toException(env));
    }
  }

  private static HostPort sourceOf(Envelope env, HostPort from) {
    try {
      return env.getSource().isEmpty() ? from : HostPort.parse(env.getSource());
    } catch (IllegalArgumentException e) {
      return from;
    }
  }

  /** Fails the calls in flight to {@code peer}: its transport closed. */
  void peerClosed(HostPort peer) {
    for (Pending p : new ArrayList<>(pending.values())) {
      if (p.peer().equals(peer)) {
        p.result().completeExceptionally(new UnreachableException("connection to " + peer + " closed"));
      }
    }
  }

  /** One-way messages and datagrams that arrived for a method nobody listens to. */
  public long unhandledMessages() {
    return unhandled;
  }

  /** Replies that arrived after their call was over (timed out, or duplicated by the network). */
  public long lateReplies() {
    return late;
  }

  /** Calls waiting for a reply. */
  public int inFlightCalls() {
    return pending.size();
  }

  /** True once closed. */
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ClosedException e = new ClosedException("transport closed");
    for (Pending p : new ArrayList<>(pending.values())) {
      p.result().completeExceptionally(e);
    }
    net.closed(this);
  }

  private static void checkArgs(HostPort peer, String method, byte[] payload) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(payload, "payload");
    if (method.isEmpty()) {
      throw new IllegalArgumentException("method must not be empty");
    }
  }

  @Override
  public String toString() {
    return "InMemoryTransport[" + address + (closed ? ", closed]" : "]");
  }
}
