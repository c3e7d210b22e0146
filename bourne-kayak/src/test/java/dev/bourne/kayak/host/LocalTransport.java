package dev.bourne.kayak.host;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ClosedException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.common.error.TimedOutException;
import dev.bourne.common.net.HostPort;
import dev.bourne.net.Inbound;
import dev.bourne.net.MessageHandler;
import dev.bourne.net.RemoteException;
import dev.bourne.net.RequestHandler;
import dev.bourne.net.Transport;
import dev.bourne.net.UnreachableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal in-JVM {@link Transport} for host unit tests: each endpoint runs its handlers on one
 * thread of its own (so messages from one sender arrive in order). Not a network: the real-network
 * tests use NettyTransport.
 */
final class LocalTransport implements Transport {
  static final Map<HostPort, LocalTransport> ENDPOINTS = new ConcurrentHashMap<>();
  private static final AtomicInteger PORTS = new AtomicInteger(20_000);

  private final HostPort address;
  private final ExecutorService executor;
  private final Map<String, RequestHandler> handlers = new ConcurrentHashMap<>();
  private final Map<String, MessageHandler> listeners = new ConcurrentHashMap<>();
  private volatile boolean closed;

  LocalTransport() {
    this(new HostPort("127.0.0.1", PORTS.incrementAndGet()));
  }

  LocalTransport(HostPort address) {
    this.address = address;
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "local-transport-" + address.port());
      t.setDaemon(true);
      return t;
    });
    ENDPOINTS.put(address, this);
  }

  @Override
  public HostPort localAddress() {
    return address;
  }

  @Override
  public void handle(String method, RequestHandler handler) {
    handlers.put(method, handler);
  }

  @Override
  public void listen(String method, MessageHandler handler) {
    listeners.put(method, handler);
  }

  @Override
  public CompletableFuture<byte[]> call(HostPort peer, String method, byte[] payload, Duration timeout) {
    LocalTransport target = ENDPOINTS.get(peer);
    if (closed) {
      return CompletableFuture.failedFuture(new ClosedException("closed"));
    }
    if (target == null || target.closed) {
      return CompletableFuture.failedFuture(new UnreachableException("no endpoint at " + peer));
    }
    CompletableFuture<byte[]> out = new CompletableFuture<>();
    target.executor.execute(() -> {
      RequestHandler h = target.handlers.get(method);
      if (h == null) {
        out.completeExceptionally(new RemoteException(ErrorCode.UNKNOWN_METHOD, method, new byte[0]));
        return;
      }
      CompletableFuture<byte[]> r;
      try {
        r = h.handle(new Inbound(address, address), payload);
      } catch (RuntimeException e) {
        r = CompletableFuture.failedFuture(e);
      }
      r.whenComplete((v, e) -> {
        if (e == null) {
          out.complete(v);
        } else {
          Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
          if (c instanceof BourneException be) {
            out.completeExceptionally(new RemoteException(be.code(), be.getMessage(), be.detail()));
          } else {
            out.completeExceptionally(new RemoteException(ErrorCode.INTERNAL, String.valueOf(c), new byte[0]));
          }
        }
      });
    });
    return out.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(e -> {
      if (e instanceof java.util.concurrent.TimeoutException) {
        return CompletableFuture.failedFuture(new TimedOutException("call timed out"));
      }
      return CompletableFuture.failedFuture(e);
    });
  }

  @Override
  public CompletableFuture<Void> send(HostPort peer, String method, byte[] payload) {
    LocalTransport target = ENDPOINTS.get(peer);
    if (closed || target == null || target.closed) {
      return CompletableFuture.failedFuture(new UnreachableException("no endpoint at " + peer));
    }
    target.executor.execute(() -> {
      MessageHandler h = target.listeners.get(method);
      if (h != null && !target.closed) {
        h.onMessage(new Inbound(address, address), payload);
      }
    });
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> sendDatagram(HostPort peer, String method, byte[] payload) {
    return send(peer, method, payload);
  }

  @Override
  public int maxDatagramPayload() {
    return 1400;
  }

  @Override
  public void close() {
    closed = true;
    ENDPOINTS.remove(address, this);
    executor.shutdownNow();
  }
}
