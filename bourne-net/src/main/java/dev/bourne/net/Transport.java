package dev.bourne.net;

import dev.bourne.common.net.HostPort;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Message transport between nodes: request/response calls, one-way messages, and unreliable
 * datagrams, all addressed by {@link HostPort} and dispatched by method name.
 *
 * <p>Implementations: {@code NettyTransport} (TCP + UDP, optional mutual TLS) for real nodes, and
 * {@code InMemoryTransport} over a {@link dev.bourne.net.sim.SimNetwork} for deterministic tests.
 * Both behave the same from a caller's view, including failures.
 *
 * <p><b>Delivery.</b> Calls and one-way messages to one peer share one connection and arrive in
 * the order sent while that connection lives; nothing is retried by the transport. Datagrams may be
 * lost, duplicated or reordered.
 *
 * <p><b>Failures.</b> Futures fail with {@link dev.bourne.common.error.TimedOutException} when the
 * deadline passes, {@link UnreachableException} when the peer cannot be connected to,
 * {@link RemoteException} when the peer's handler raised an error (carrying its code and detail),
 * and {@link dev.bourne.common.error.ClosedException} when this transport closes first.
 *
 * <p><b>Threading.</b> Thread-safe. Handlers run on transport threads and must not block; a handler
 * that needs to wait returns an incomplete future instead.
 */
public interface Transport extends AutoCloseable {
  /**
   * The address peers reach this transport at (the advertised address, never a wildcard). TCP and
   * UDP share the port.
   */
  HostPort localAddress();

  /**
   * Registers the handler for requests of {@code method}, replacing any previous one.
   *
   * @throws IllegalArgumentException if the method name is empty
   */
  void handle(String method, RequestHandler handler);

  /**
   * Registers the handler for one-way messages and datagrams of {@code method}, replacing any
   * previous one.
   *
   * @throws IllegalArgumentException if the method name is empty
   */
  void listen(String method, MessageHandler handler);

  /**
   * Sends a request and completes with the peer's reply payload.
   *
   * @param timeout the whole call's deadline, connection set-up included
   * @return a future failed as described in the class documentation; never null
   * @throws IllegalArgumentException if the method is empty or the timeout not positive
   */
  CompletableFuture<byte[]> call(HostPort peer, String method, byte[] payload, Duration timeout);

  /**
   * Sends a one-way message over the peer's connection.
   *
   * @return completes when the message was handed to the network (not when it was processed); fails
   *     with {@link UnreachableException} or {@link dev.bourne.common.error.ClosedException}
   */
  CompletableFuture<Void> send(HostPort peer, String method, byte[] payload);

  /**
   * Sends an unreliable datagram, delivered to the peer's {@link #listen} handler if it arrives.
   *
   * @return completes when the datagram was handed to the network
   * @throws PayloadTooLargeException at once if the payload exceeds {@link #maxDatagramPayload()}
   */
  CompletableFuture<Void> sendDatagram(HostPort peer, String method, byte[] payload);

  /** The largest datagram payload {@link #sendDatagram} accepts, in bytes. */
  int maxDatagramPayload();

  /**
   * Closes every connection and socket, fails calls in flight with {@link
   * dev.bourne.common.error.ClosedException}, and releases every thread and port before returning.
   * Called from one of the transport's own threads (a handler or a reply's callback) it cannot
   * wait for them, and the release finishes in the background; a later call from another thread
   * waits for it. Idempotent.
   */
  @Override
  void close();
}
