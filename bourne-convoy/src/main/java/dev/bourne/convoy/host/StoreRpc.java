package dev.bourne.convoy.host;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.StoreResult;
import dev.bourne.convoy.core.SwimCore;
import dev.bourne.convoy.transport.MalformedMessageException;
import dev.bourne.convoy.transport.WireCodec;
import dev.bourne.convoy.wire.StoreRequestPb;
import dev.bourne.convoy.wire.StoreResponsePb;

/** The remote store write: the request a caller sends to the owner, and the owner's handling of it. */
final class StoreRpc {
  private StoreRpc() {}

  static byte[] request(NodeId owner, String key, String value, boolean delete, long expected) {
    return StoreRequestPb.newBuilder().setOwner(WireCodec.id(owner)).setKey(key).setValue(value)
        .setDelete(delete).setExpectedVersion(expected).build().toByteArray();
  }

  static StoreResult response(byte[] bytes) {
    try {
      StoreResponsePb r = StoreResponsePb.parseFrom(bytes);
      return new StoreResult(r.getOk(), new Item(r.getValue(), r.getVersion(), r.getDeleted()));
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new MalformedMessageException("invalid store response: " + e.getMessage(), e);
    }
  }

  /** Applies a remote write on the owner's loop; throws a coded exception for a refusal. */
  static byte[] serve(ConvoyNode node, SwimCore core, byte[] payload) {
    StoreRequestPb req;
    NodeId owner;
    try {
      req = StoreRequestPb.parseFrom(payload);
      owner = WireCodec.id(req.getOwner());
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new MalformedMessageException("invalid store request: " + e.getMessage(), e);
    }
    if (!owner.equals(core.id())) {
      throw new ConvoyException(ConvoyException.NO_SUCH_MEMBER,
          "store request for " + owner + " reached member " + core.id());
    }
    StoreResult r = LocalStore.apply(node, core, req.getKey(), req.getValue(), req.getDelete(), req.getExpectedVersion());
    return StoreResponsePb.newBuilder().setOk(r.ok()).setValue(r.item().value()).setVersion(r.item().version())
        .setDeleted(r.item().deleted()).build().toByteArray();
  }
}
