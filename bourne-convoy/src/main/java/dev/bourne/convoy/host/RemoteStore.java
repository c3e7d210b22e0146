package dev.bourne.convoy.host;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.api.Store;
import dev.bourne.convoy.api.StoreResult;
import dev.bourne.net.RemoteException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Another member's store: reads from the directory snapshot, writes sent to the owner (which
 * checks the version, applies and disseminates). The owner's refusal keeps its code; an owner that
 * cannot be reached gives {@code UNREACHABLE} or {@code TIMEOUT}.
 */
final class RemoteStore implements Store {
  private final ConvoyNode node;
  private final NodeId owner;

  RemoteStore(ConvoyNode node, NodeId owner) {
    this.node = node;
    this.owner = Objects.requireNonNull(owner, "owner");
  }

  @Override
  public Item get(String key) {
    Objects.requireNonNull(key, "key");
    Map<String, Item> items = node.snapshot().items().getOrDefault(owner, Map.of());
    return items.getOrDefault(key, Item.ABSENT);
  }

  @Override
  public StoreResult put(String key, String value, long expectedVersion) {
    return Futures.join(putAsync(key, value, expectedVersion));
  }

  @Override
  public StoreResult delete(String key, long expectedVersion) {
    return Futures.join(deleteAsync(key, expectedVersion));
  }

  @Override
  public CompletableFuture<StoreResult> putAsync(String key, String value, long expectedVersion) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    return call(key, value, false, expectedVersion);
  }

  @Override
  public CompletableFuture<StoreResult> deleteAsync(String key, long expectedVersion) {
    Objects.requireNonNull(key, "key");
    return call(key, "", true, expectedVersion);
  }

  private CompletableFuture<StoreResult> call(String key, String value, boolean delete, long expected) {
    try {
      node.checkRunning();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Member m = node.snapshot().members().stream().filter(x -> x.id().equals(owner)).findFirst().orElse(null);
    if (m == null || !m.state().isActive()) {
      return CompletableFuture.failedFuture(new ConvoyException(ConvoyException.NO_SUCH_MEMBER,
          "member " + owner + " is " + (m == null ? "unknown" : m.state()) + "; its store cannot be written"));
    }
    byte[] request = StoreRpc.request(owner, key, value, delete, expected);
    return Futures.offLoop(node.transport().call(m.address(), ConvoyNode.STORE, request, node.config().requestTimeout())
        .handle((reply, err) -> {
          if (err == null) {
            return StoreRpc.response(reply);
          }
          Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
          if (c instanceof RemoteException r) {
            throw new ConvoyException(r.code(), "owner " + owner + " refused: " + r.getMessage(), r);
          }
          if (c instanceof BourneException b) {
            throw new ConvoyException(b.code(), "cannot reach owner " + owner + " at " + m.address() + ": "
                + b.getMessage(), b);
          }
          throw new ConvoyException(ErrorCode.INTERNAL, "remote write to " + owner + " failed: " + c, c);
        }));
  }
}
