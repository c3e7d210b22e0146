package dev.bourne.convoy.host;

import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.Directory;
import dev.bourne.convoy.api.HealthEvent;
import dev.bourne.convoy.api.Listener;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.api.MembershipEvent;
import dev.bourne.convoy.core.SwimCore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The directory of one host: reads over its latest snapshot; evict/fail run on its loop. */
final class NodeDirectory implements Directory {
  private final ConvoyNode node;

  NodeDirectory(ConvoyNode node) {
    this.node = node;
  }

  @Override
  public List<Member> all() {
    List<Member> out = new ArrayList<>();
    for (Member m : node.snapshot().members()) {
      if (m.state().isActive()) {
        out.add(m);
      }
    }
    return out;
  }

  @Override
  public Optional<Member> get(NodeId id) {
    Objects.requireNonNull(id, "id");
    return node.snapshot().members().stream().filter(m -> m.id().equals(id)).findFirst();
  }

  @Override
  public List<Member> search(ItemPredicate predicate) {
    Objects.requireNonNull(predicate, "predicate");
    List<Member> out = new ArrayList<>();
    for (Member m : all()) {
      for (Map.Entry<String, String> e : m.values().entrySet()) {
        if (predicate.test(m.id(), e.getKey(), e.getValue())) {
          out.add(m);
          break;
        }
      }
    }
    return out;
  }

  @Override
  public List<Member> findByKey(String key) {
    Objects.requireNonNull(key, "key");
    return search((id, k, v) -> k.equals(key));
  }

  @Override
  public List<Member> findByValue(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    return search((id, k, v) -> k.equals(key) && v.equals(value));
  }

  @Override
  public Optional<String> value(NodeId id, String key) {
    Objects.requireNonNull(key, "key");
    return get(id).flatMap(m -> m.value(key));
  }

  @Override
  public boolean evict(NodeId id) {
    return Futures.join(evictAsync(id));
  }

  @Override
  public boolean fail(NodeId id) {
    return Futures.join(failAsync(id));
  }

  @Override
  public CompletableFuture<Boolean> evictAsync(NodeId id) {
    return onLoop(id, SwimCore::evict);
  }

  @Override
  public CompletableFuture<Boolean> failAsync(NodeId id) {
    return onLoop(id, SwimCore::fail);
  }

  /** A core request about one member, made on the loop, its outputs carried out before it returns. */
  private interface MemberRequest {
    boolean apply(SwimCore core, long now, NodeId id);
  }

  private CompletableFuture<Boolean> onLoop(NodeId id, MemberRequest request) {
    Objects.requireNonNull(id, "id");
    try {
      node.checkRunning();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return node.offLoop(node.onLoop(() -> {
      boolean ok = request.apply(node.core(), node.now(), id);
      node.process(node.core().drain());
      return ok;
    }));
  }

  @Override
  public AutoCloseable onMembership(Listener<MembershipEvent> listener) {
    return node.subscribeMembership(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public AutoCloseable onHealth(Listener<HealthEvent> listener) {
    return node.subscribeHealth(Objects.requireNonNull(listener, "listener"));
  }
}
