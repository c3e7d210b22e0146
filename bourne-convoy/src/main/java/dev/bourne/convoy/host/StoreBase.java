package dev.bourne.convoy.host;

import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.Store;
import dev.bourne.convoy.api.StoreResult;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What the local and the remote store share: reads from the member's latest directory snapshot,
 * argument checks, and the blocking forms of the writes. Subclasses say whose store it is and how a
 * write reaches its owner.
 */
abstract class StoreBase implements Store {
  final ConvoyNode node;

  StoreBase(ConvoyNode node) {
    this.node = node;
  }

  /** The member that owns this store. */
  abstract NodeId owner();

  /** Carries out a checked write; never throws, failures complete the future. */
  abstract CompletableFuture<StoreResult> write(String key, String value, boolean delete, long expected);

  @Override
  public Item get(String key) {
    Objects.requireNonNull(key, "key");
    Map<String, Item> items = node.snapshot().items().getOrDefault(owner(), Map.of());
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
    return checkedWrite(key, value, false, expectedVersion);
  }

  @Override
  public CompletableFuture<StoreResult> deleteAsync(String key, long expectedVersion) {
    Objects.requireNonNull(key, "key");
    return checkedWrite(key, "", true, expectedVersion);
  }

  private CompletableFuture<StoreResult> checkedWrite(String key, String value, boolean delete, long expected) {
    try {
      node.checkRunning();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return write(key, value, delete, expected);
  }
}
