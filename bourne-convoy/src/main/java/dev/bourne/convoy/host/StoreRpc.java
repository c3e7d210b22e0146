package dev.bourne.convoy.host;

import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.StoreResult;
import dev.bourne.convoy.core.SwimCore;
import dev.bourne.convoy.wire.StoreCodec;

/** The owner's side of a remote store write: checks the request is for it and applies it. */
final class StoreRpc {
  private StoreRpc() {}

  /** Applies a remote write on the owner's loop; throws a coded exception for a refusal. */
  static byte[] serve(ConvoyNode node, SwimCore core, byte[] payload) {
    StoreCodec.Request req = StoreCodec.decodeRequest(payload);
    if (!req.owner().equals(core.id())) {
      throw new ConvoyException(ConvoyException.NO_SUCH_MEMBER,
          "store request for " + req.owner() + " reached member " + core.id());
    }
    StoreResult r = LocalStore.apply(node, core, req.key(), req.value(), req.delete(), req.expectedVersion());
    return StoreCodec.encode(r);
  }
}
