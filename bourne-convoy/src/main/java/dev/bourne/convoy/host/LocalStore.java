package dev.bourne.convoy.host;

import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.StoreResult;
import dev.bourne.convoy.core.SwimCore;
import java.util.concurrent.CompletableFuture;

/** The local member's own store: writes run on the member's loop; reads use the latest snapshot. */
final class LocalStore extends StoreBase {
  LocalStore(ConvoyNode node) {
    super(node);
  }

  @Override
  NodeId owner() {
    return node.id();
  }

  @Override
  CompletableFuture<StoreResult> write(String key, String value, boolean delete, long expected) {
    return node.offLoop(node.onLoop(() -> apply(node, node.core(), key, value, delete, expected)));
  }

  /** Applies a write on the loop thread and carries out its outputs. */
  static StoreResult apply(ConvoyNode node, SwimCore core, String key, String value, boolean delete, long expected) {
    long now = node.now();
    SwimCore.StoreWrite w = delete ? core.delete(now, key, expected) : core.put(now, key, value, expected);
    node.process(core.drain());
    if (w.refusal() != null) {
      throw new ConvoyException(w.code(), w.refusal());
    }
    return new StoreResult(w.ok(), w.item());
  }
}
