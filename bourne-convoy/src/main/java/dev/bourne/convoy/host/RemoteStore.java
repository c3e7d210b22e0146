package dev.bourne.convoy.host;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.api.StoreResult;
import dev.bourne.convoy.wire.StoreCodec;
import dev.bourne.net.RemoteException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Another member's store: reads from the directory snapshot, writes sent to the owner (which
 * checks the version, applies and disseminates). The owner's refusal keeps its code; an owner that
 * cannot be reached gives {@code UNREACHABLE} or {@code TIMEOUT}.
 */
final class RemoteStore extends StoreBase {
  private final NodeId owner;

  RemoteStore(ConvoyNode node, NodeId owner) {
    super(node);
    this.owner = Objects.requireNonNull(owner, "owner");
  }

  @Override
  NodeId owner() {
    return owner;
  }

  @Override
  CompletableFuture<StoreResult> write(String key, String value, boolean delete, long expected) {
    Member m = node.snapshot().members().stream().filter(x -> x.id().equals(owner)).findFirst().orElse(null);
    if (m == null || !m.state().isActive()) {
      return CompletableFuture.failedFuture(new ConvoyException(ConvoyException.NO_SUCH_MEMBER,
          "member " + owner + " is " + (m == null ? "unknown" : m.state()) + "; its store cannot be written"));
    }
    byte[] request = StoreCodec.encode(new StoreCodec.Request(owner, key, value, delete, expected));
    return node.offLoop(node.transport().call(m.address(), ConvoyNode.STORE, request, node.config().requestTimeout())
        .handle((reply, err) -> {
          if (err == null) {
            return StoreCodec.decodeResult(reply);
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
