package dev.bourne.kayak.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.wire.LeaderHint;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.UUID;

/**
 * The request needs the leader and this member is not it. Carries the leader as far as the
 * responder knows it; the hint travels in {@link #detail()} so a caller on another node gets it
 * back with {@link #from(BourneException)}. Code {@code NOT_LEADER}.
 */
public class NotLeaderException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** The code of this error. */
  public static final ErrorCode CODE = new ErrorCode("NOT_LEADER");

  private final transient Optional<NodeId> leaderId;
  private final transient Optional<HostPort> leaderAddress;

  /**
   * @param message what was refused
   * @param leaderId the leader's id, if known
   * @param leaderAddress the leader's address, if known
   */
  public NotLeaderException(String message, Optional<NodeId> leaderId, Optional<HostPort> leaderAddress) {
    super(CODE, message);
    this.leaderId = leaderId;
    this.leaderAddress = leaderAddress;
  }

  /** The leader's id, if the responder knew it. */
  public Optional<NodeId> leaderId() {
    return leaderId;
  }

  /** The leader's address, if the responder knew it: retry there. */
  public Optional<HostPort> leaderAddress() {
    return leaderAddress;
  }

  @Override
  public byte[] detail() {
    LeaderHint.Builder b = LeaderHint.newBuilder();
    leaderId.ifPresent(id -> b.setId(idBytes(id)));
    leaderAddress.ifPresent(a -> b.setAddress(a.toString()));
    return b.build().toByteArray();
  }

  /**
   * Rebuilds the exception from an error with code {@code NOT_LEADER} (typically a {@code
   * RemoteException}), decoding its detail; a malformed detail gives an exception without a hint.
   */
  public static NotLeaderException from(BourneException e) {
    if (e instanceof NotLeaderException nle) {
      return nle;
    }
    try {
      LeaderHint hint = LeaderHint.parseFrom(e.detail());
      Optional<NodeId> id = hint.getId().size() == 16 ? Optional.of(idOf(hint.getId())) : Optional.empty();
      Optional<HostPort> address = hint.getAddress().isEmpty() ? Optional.empty()
          : Optional.of(HostPort.parse(hint.getAddress()));
      return new NotLeaderException(e.getMessage(), id, address);
    } catch (InvalidProtocolBufferException | IllegalArgumentException bad) {
      return new NotLeaderException(e.getMessage(), Optional.empty(), Optional.empty());
    }
  }

  static ByteString idBytes(NodeId id) {
    ByteBuffer b = ByteBuffer.allocate(16);
    b.putLong(id.uuid().getMostSignificantBits()).putLong(id.uuid().getLeastSignificantBits());
    return ByteString.copyFrom(b.array());
  }

  static NodeId idOf(ByteString bytes) {
    ByteBuffer b = bytes.asReadOnlyByteBuffer();
    return new NodeId(new UUID(b.getLong(), b.getLong()));
  }
}
