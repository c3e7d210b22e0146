package dev.bourne.convoy.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bourne.convoy.api.GossipKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The protobuf form of a keyring request (method {@code convoy.keyring}) and its answer. Decoding
 * throws {@link MalformedMessageException} for bytes that are not a valid request or answer.
 *
 * <p>Stateless and thread-safe.
 */
public final class KeyringCodec {
  private KeyringCodec() {}

  /** What a keyring request asks. */
  public enum Op {
    /** Report the keys held. */
    LIST,
    /** Add a key (a secondary). */
    INSTALL,
    /** Make a held key the primary. */
    USE,
    /** Remove a key that is not the primary. */
    REMOVE
  }

  /** A keyring request; {@code key} is empty exactly for {@link Op#LIST}. */
  public record Request(Op op, Optional<GossipKey> key) {
    /** Checks that a key comes with every operation but LIST. */
    public Request {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(key, "key");
      if (key.isPresent() == (op == Op.LIST)) {
        throw new IllegalArgumentException(op + " " + (key.isPresent() ? "takes no key" : "needs a key"));
      }
    }
  }

  /** Encodes a request. */
  public static byte[] encode(Request r) {
    KeyringRequestPb.Builder b = KeyringRequestPb.newBuilder().setOp(KeyringRequestPb.Op.forNumber(r.op().ordinal()));
    r.key().ifPresent(k -> b.setKey(ByteString.copyFrom(k.bytes())));
    return b.build().toByteArray();
  }

  /** Decodes a request. @throws MalformedMessageException if the bytes are not a valid request */
  public static Request decodeRequest(byte[] bytes) {
    try {
      KeyringRequestPb pb = KeyringRequestPb.parseFrom(bytes);
      if (pb.getOp() == KeyringRequestPb.Op.UNRECOGNIZED) {
        throw new IllegalArgumentException("unknown keyring operation " + pb.getOpValue());
      }
      Op op = Op.values()[pb.getOp().getNumber()];
      Optional<GossipKey> key = pb.getKey().isEmpty() ? Optional.empty() : Optional.of(GossipKey.of(pb.getKey().toByteArray()));
      return new Request(op, key);
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new MalformedMessageException("invalid keyring request: " + e.getMessage(), e);
    }
  }

  /** Encodes an answer: the ring's fingerprints, primary first. */
  public static byte[] encode(List<String> fingerprints) {
    return KeyringResponsePb.newBuilder().addAllFingerprints(fingerprints).build().toByteArray();
  }

  /** Decodes an answer. @throws MalformedMessageException if the bytes are not a valid answer */
  public static List<String> decodeFingerprints(byte[] bytes) {
    try {
      return List.copyOf(KeyringResponsePb.parseFrom(bytes).getFingerprintsList());
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedMessageException("invalid keyring answer: " + e.getMessage(), e);
    }
  }
}
