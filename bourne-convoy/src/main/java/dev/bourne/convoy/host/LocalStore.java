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
import java.util.concurrent.ForkJoinPool;

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
    return join(putAsync(key, value, expectedVersion));
  }

  @Override
  public StoreResult delete(String key, long expectedVersion) {
    return join(deleteAsync(key, expectedVersion));
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
    return offLoop(node.onLoop(() -> apply(node, node.core(), key, value, delete, expected)));
  }

  /**
   * The same outcome, completed on a pool thread: a caller's dependent stage (which may block) must
   * run neither on the member's event loop nor on a transport thread, or it would stall the protocol.
   */
  static <T> CompletableFuture<T> offLoop(CompletableFuture<T> f) {
    // The common pool explicitly: with one or two cores, the default async executor would start a
    // new thread per completion.
    return f.whenCompleteAsync((r, e) -> { }, ForkJoinPool.commonPool());
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

  static StoreResult join(CompletableFuture<StoreResult> f) {
    return joinAny(f);
  }

  static <T> T joinAny(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (RuntimeException e) {
      throw ConvoyNode.unwrap(e);
    }
  }
}
