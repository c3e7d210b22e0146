package dev.bourne.convoy.wire;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.StoreResult;
import java.util.Objects;

/**
 * The protobuf form of a remote store write (method {@code convoy.store}): the request a caller
 * sends to the owner and the owner's answer. Decoding throws {@link MalformedMessageException} for
 * bytes that are not a valid request or response.
 *
 * <p>Stateless and thread-safe.
 */
public final class StoreCodec {
  private StoreCodec() {}

  /**
   * A write of one key of {@code owner}'s store, conditional on {@code expectedVersion}.
   *
   * @param owner the member whose store is written
   * @param key the key
   * @param value the new value (empty for a delete)
   * @param delete true to delete the key (leaving a tombstone)
   * @param expectedVersion the version the key must have for the write to apply
   */
  public record Request(NodeId owner, String key, String value, boolean delete, long expectedVersion) {
    /** Checks for nulls. */
    public Request {
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Encodes a request. */
  public static byte[] encode(Request r) {
    return StoreRequestPb.newBuilder().setOwner(WireCodec.id(r.owner())).setKey(r.key()).setValue(r.value())
        .setDelete(r.delete()).setExpectedVersion(r.expectedVersion()).build().toByteArray();
  }

  /** Decodes a request. @throws MalformedMessageException if the bytes are not a valid request */
  public static Request decodeRequest(byte[] bytes) {
    try {
      StoreRequestPb pb = StoreRequestPb.parseFrom(bytes);
      return new Request(WireCodec.id(pb.getOwner()), pb.getKey(), pb.getValue(), pb.getDelete(),
          pb.getExpectedVersion());
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new MalformedMessageException("invalid store request: " + e.getMessage(), e);
    }
  }

  /** Encodes the owner's answer. */
  public static byte[] encode(StoreResult r) {
    return StoreResponsePb.newBuilder().setOk(r.ok()).setValue(r.item().value()).setVersion(r.item().version())
        .setDeleted(r.item().deleted()).build().toByteArray();
  }

  /** Decodes the owner's answer. @throws MalformedMessageException if the bytes are not a valid answer */
  public static StoreResult decodeResult(byte[] bytes) {
    try {
      StoreResponsePb r = StoreResponsePb.parseFrom(bytes);
      return new StoreResult(r.getOk(), new Item(r.getValue(), r.getVersion(), r.getDeleted()));
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new MalformedMessageException("invalid store response: " + e.getMessage(), e);
    }
  }
}
