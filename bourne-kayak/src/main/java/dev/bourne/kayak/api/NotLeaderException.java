package dev.bourne.kayak.api;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The request needs the leader and this member is not it. Carries the leader as far as the
 * responder knows it; the hint travels in {@link #detail()} so a caller on another node gets it
 * back with {@link #from(BourneException)}. Code {@code NOT_LEADER}.
 */
public class NotLeaderException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** The code of this error. */
  public static final ErrorCode CODE = new ErrorCode("NOT_LEADER");
  private static final byte DETAIL_VERSION = 1;
  private static final int HAS_ID = 1;
  private static final int HAS_ADDRESS = 2;

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

  /**
   * The hint as bytes that cross the wire: a version byte (1), a flags byte (1: id present, 2:
   * address present), the 16-byte id if present, then the address as UTF-8 text if present.
   */
  @Override
  public byte[] detail() {
    byte[] address = leaderAddress.map(a -> a.toString().getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    ByteBuffer b = ByteBuffer.allocate(2 + (leaderId.isPresent() ? NodeId.BYTES : 0) + address.length);
    b.put(DETAIL_VERSION).put((byte) ((leaderId.isPresent() ? HAS_ID : 0) | (leaderAddress.isPresent() ? HAS_ADDRESS : 0)));
    leaderId.ifPresent(id -> id.writeTo(b));
    b.put(address);
    return b.array();
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
      ByteBuffer b = ByteBuffer.wrap(e.detail());
      if (b.get() != DETAIL_VERSION) {
        throw new IllegalArgumentException("unknown leader hint version");
      }
      int flags = b.get();
      Optional<NodeId> id = (flags & HAS_ID) != 0 ? Optional.of(NodeId.readFrom(b)) : Optional.empty();
      Optional<HostPort> address = Optional.empty();
      if ((flags & HAS_ADDRESS) != 0) {
        byte[] text = new byte[b.remaining()];
        b.get(text);
        address = Optional.of(HostPort.parse(new String(text, StandardCharsets.UTF_8)));
      }
      return new NotLeaderException(e.getMessage(), id, address);
    } catch (RuntimeException bad) { // underflow, bad address: a hint from a confused peer is no hint
      return new NotLeaderException(e.getMessage(), Optional.empty(), Optional.empty());
    }
  }
}
