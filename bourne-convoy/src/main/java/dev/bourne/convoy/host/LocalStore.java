package dev.bourne.convoy.host;

import dev.bourne.common.time.Clock;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.Store;
import dev.bourne.convoy.api.StoreResult;
import dev.bourne.convoy.core.SwimCore;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** The local member's own store: writes run on the member's loop; reads use the latest snapshot. */
final class LocalStore implements Store {
  private final ConvoyNode node;

  LocalStore(ConvoyNode node) {
    this.node = node;
  }

  @Override
  public Item get(String key) {
    Objects.requireNonNull(key, "key");
    Map<String, Item> mine = node.snapshot().items().getOrDefault(node.id(), Map.of());
    return mine.getOrDefault(key, Item.ABSENT);
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
    return write(key, value, false, expectedVersion);
  }

  @Override
  public CompletableFuture<StoreResult> deleteAsync(String key, long expectedVersion) {
    Objects.requireNonNull(key, "key");
    return write(key, "", true, expectedVersion);
  }

  private CompletableFuture<StoreResult> write(String key, String value, boolean delete, long expected) {
    try {
      node.checkRunning();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return Futures.offLoop(node.onLoop(() -> apply(node, node.core(), key, value, delete, expected)));
  }

  /** Applies a write on the loop thread and carries out its outputs. */
  static StoreResult apply(ConvoyNode node, SwimCore core, String key, String value, boolean delete, long expected) {
    long now = Clock.system().nanoTime();
    SwimCore.StoreWrite w = delete ? core.delete(now, key, expected) : core.put(now, key, value, expected);
    node.process(core.drain());
    if (w.refusal() != null) {
      throw new ConvoyException(w.code(), w.refusal());
    }
    return new StoreResult(w.ok(), w.item());
  }
}
