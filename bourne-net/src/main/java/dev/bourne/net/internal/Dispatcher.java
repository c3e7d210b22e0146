package dev.bourne.net.internal;

import dev.bourne.common.error.ErrorCode;
import dev.bourne.net.Inbound;
import dev.bourne.net.MessageHandler;
import dev.bourne.net.RequestHandler;
import dev.bourne.net.wire.Envelope;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The method registry of one transport and the rules that turn a request into a reply, shared by
 * every transport so that they fail the same way. Part of bourne-net's internals, not its API.
 *
 * <p>Thread-safe: handlers may be registered while requests are served.
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final LogLimiter limited = new LogLimiter(log, 10_000_000_000L);

  private final ConcurrentHashMap<String, RequestHandler> handlers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, MessageHandler> listeners = new ConcurrentHashMap<>();

  /**
   * Registers the request handler of {@code method}, replacing any previous one.
   *
   * @throws IllegalArgumentException if the method is empty
   */
  public void handle(String method, RequestHandler handler) {
    handlers.put(checkMethod(method), Objects.requireNonNull(handler, "handler"));
  }

  /**
   * Registers the message handler of {@code method}, replacing any previous one.
   *
   * @throws IllegalArgumentException if the method is empty
   */
  public void listen(String method, MessageHandler handler) {
    listeners.put(checkMethod(method), Objects.requireNonNull(handler, "handler"));
  }

  /**
   * Runs the handler of a request and builds the reply. Never fails: every failure, including an
   * unknown method, a throwing handler or a null reply, becomes an ERROR envelope.
   *
   * @return completes with a RESPONSE or ERROR envelope carrying the request's correlation id
   */
  public CompletableFuture<Envelope> serve(Inbound from, Envelope request) {
    long id = request.getCorrelationId();
    RequestHandler h = handlers.get(request.getMethod());
    if (h == null) {
      return CompletableFuture.completedFuture(
          Envelopes.error(
              id, ErrorCode.UNKNOWN_METHOD, "no handler for method '" + request.getMethod() + "'",
              new byte[0]));
    }
    CompletableFuture<byte[]> reply;
    try {
      reply = h.handle(from, request.getPayload().toByteArray());
    } catch (RuntimeException | Error e) {
      reply = CompletableFuture.failedFuture(e);
    }
    if (reply == null) {
      reply = CompletableFuture.failedFuture(new IllegalStateException("handler returned null"));
    }
    return reply.handle(
        (bytes, failure) -> {
          if (failure == null && bytes != null) {
            return Envelopes.response(id, bytes);
          }
          Throwable t = failure != null ? failure : new IllegalStateException("handler replied null");
          Envelope err = Envelopes.error(id, t);
          if (err.getError().getCode().equals(ErrorCode.INTERNAL.name())) {
            limited.warn(
                "handler-failure", "handler of '{}' failed unexpectedly", request.getMethod(),
                Envelopes.unwrap(t));
          }
          return err;
        });
  }

  /**
   * Hands a one-way message or datagram to its listener. A throwing listener is logged (rate
   * limited) and otherwise ignored.
   *
   * @return false if no listener is registered for the method
   */
  public boolean deliver(Inbound from, Envelope message) {
    MessageHandler l = listeners.get(message.getMethod());
    if (l == null) {
      return false;
    }
    try {
      l.onMessage(from, message.getPayload().toByteArray());
    } catch (RuntimeException e) {
      limited.warn("listener-failure", "listener of '{}' failed", message.getMethod(), e);
    }
    return true;
  }

  private static String checkMethod(String method) {
    Objects.requireNonNull(method, "method");
    if (method.isEmpty()) {
      throw new IllegalArgumentException("method must not be empty");
    }
    return method;
  }
}
