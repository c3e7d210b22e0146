package dev.bourne.kayak.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.AppendId;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.core.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Converts between the core's {@link Message} records and the protobuf wire form, at the host's
 * edge. Decoding validates everything the core's records require, so that malformed input becomes a
 * {@link MalformedMessageException} (to be dropped and counted), never a crash deeper in.
 *
 * <p>Thread-safe (stateless).
 */
public final class WireCodec {
  private WireCodec() {}

  /** Input from the network that is not a valid Kayak message. */
  public static final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedMessageException(String message, Throwable cause) {
      super(message, cause);
    }

    MalformedMessageException(String message) {
      super(message);
    }
  }

  /**
   * A decoded Raft message with its recipient, the sender's cluster (empty if it sent none) and any
   * addresses the sender attached.
   */
  public record Decoded(NodeId to, Optional<ClusterId> cluster, Message message, Map<NodeId, HostPort> peers) {}

  /** Encodes {@code m} for {@code to} in {@code cluster}, attaching {@code peers} (may be empty). */
  public static byte[] encode(NodeId to, ClusterId cluster, Message m, Map<NodeId, HostPort> peers) {
    RaftEnvelope.Builder b = RaftEnvelope.newBuilder().setFrom(id(m.from())).setTerm(m.term()).setTo(id(to))
        .setCluster(cluster(Optional.of(cluster)));
    switch (m.kind()) {
      case VOTE_REQUEST -> {
        var v = (Message.VoteRequest) m;
        b.setVoteRequest(VoteRequest.newBuilder().setLastIndex(v.lastIndex())
            .setLastTerm(v.lastTerm()).setPreVote(v.preVote()).setTransfer(v.transfer()));
      }
      case VOTE_RESPONSE -> {
        var v = (Message.VoteResponse) m;
        b.setVoteResponse(VoteResponse.newBuilder().setPreVote(v.preVote())
            .setGranted(v.granted()));
      }
      case APPEND_REQUEST -> {
        var a = (Message.AppendRequest) m;
        var w = AppendRequest.newBuilder()
            .setPrevIndex(a.prevIndex()).setPrevTerm(a.prevTerm()).setCommitIndex(a.commitIndex());
        a.entries().forEach(e -> w.addEntries(entry(e)));
        b.setAppendRequest(w);
      }
      case APPEND_RESPONSE -> {
        var a = (Message.AppendResponse) m;
        b.setAppendResponse(AppendResponse.newBuilder().setSuccess(a.success())
            .setIndex(a.index()).setHintIndex(a.hintIndex()).setHintTerm(a.hintTerm()));
      }
      case HEARTBEAT -> {
        var h = (Message.Heartbeat) m;
        b.setHeartbeat(Heartbeat.newBuilder().setCommitIndex(h.commitIndex())
            .setReadSeq(h.readSeq()));
      }
      case HEARTBEAT_RESPONSE -> b.setHeartbeatResponse(HeartbeatResponse.newBuilder()
          .setReadSeq(((Message.HeartbeatResponse) m).readSeq()));
      case TIMEOUT_NOW -> b.setTimeoutNow(TimeoutNow.getDefaultInstance());
      case INSTALL_SNAPSHOT -> throw new IllegalArgumentException(
          "InstallSnapshot is built by the receiving host, never sent (snapshots travel in chunks)");
    }
    peers.forEach((id, addr) -> b.addPeers(Peer.newBuilder().setId(id(id)).setAddress(addr.toString())));
    return b.build().toByteArray();
  }

  /**
   * Decodes a Raft envelope.
   *
   * @throws MalformedMessageException if the bytes are not a valid message
   */
  public static Decoded decode(byte[] bytes) throws MalformedMessageException {
    RaftEnvelope env;
    try {
      env = RaftEnvelope.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedMessageException("not a Raft envelope: " + e.getMessage(), e);
    }
    try {
      NodeId from = nodeId(env.getFrom());
      NodeId to = nodeId(env.getTo());
      long term = nonNegative(env.getTerm(), "term");
      Message m = switch (env.getBodyCase()) {
        case VOTE_REQUEST -> {
          var v = env.getVoteRequest();
          yield new Message.VoteRequest(term, from, nonNegative(v.getLastIndex(), "last_index"),
              nonNegative(v.getLastTerm(), "last_term"), v.getPreVote(), v.getTransfer());
        }
        case VOTE_RESPONSE -> new Message.VoteResponse(term, from, env.getVoteResponse().getPreVote(),
            env.getVoteResponse().getGranted());
        case APPEND_REQUEST -> {
          var a = env.getAppendRequest();
          List<Entry> entries = new ArrayList<>(a.getEntriesCount());
          for (WireEntry w : a.getEntriesList()) {
            entries.add(entry(w));
          }
          yield new Message.AppendRequest(term, from, nonNegative(a.getPrevIndex(), "prev_index"),
              nonNegative(a.getPrevTerm(), "prev_term"), entries, nonNegative(a.getCommitIndex(), "commit_index"));
        }
        case APPEND_RESPONSE -> {
          var a = env.getAppendResponse();
          yield new Message.AppendResponse(term, from, a.getSuccess(), nonNegative(a.getIndex(), "index"),
              nonNegative(a.getHintIndex(), "hint_index"), nonNegative(a.getHintTerm(), "hint_term"));
        }
        case HEARTBEAT -> new Message.Heartbeat(term, from, nonNegative(env.getHeartbeat().getCommitIndex(),
            "commit_index"), env.getHeartbeat().getReadSeq());
        case HEARTBEAT_RESPONSE -> new Message.HeartbeatResponse(term, from,
            env.getHeartbeatResponse().getReadSeq());
        case TIMEOUT_NOW -> new Message.TimeoutNow(term, from);
        case BODY_NOT_SET -> throw new MalformedMessageException("Raft envelope without a body");
      };
      return new Decoded(to, cluster(env.getCluster()), m, peers(env.getPeersList()));
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("invalid Raft message: " + e.getMessage(), e);
    }
  }

  /** Decodes a list of peers, skipping none: any invalid one makes the input malformed. */
  public static Map<NodeId, HostPort> peers(List<Peer> list) {
    Map<NodeId, HostPort> out = new TreeMap<>();
    for (Peer p : list) {
      out.put(nodeId(p.getId()), HostPort.parse(p.getAddress()));
    }
    return out;
  }

  /** One peer on the wire. */
  public static Peer peer(NodeId id, HostPort address) {
    return Peer.newBuilder().setId(id(id)).setAddress(address.toString()).build();
  }

  /** An entry on the wire. */
  public static WireEntry entry(Entry e) {
    // Entry payloads are immutable by contract, so wrapping (not copying) is safe and saves a copy
    // per entry per follower.
    WireEntry.Builder b = WireEntry.newBuilder().setIndex(e.index()).setTerm(e.term()).setKind(kindCode(e.kind()))
        .setPayload(UnsafeByteOperations.unsafeWrap(e.payload()));
    if (!e.id().isNone()) {
      b.setSession(e.id().session()).setSeq(e.id().seq()).setSettled(e.id().settled());
    }
    return b.build();
  }

  /**
   * An entry from the wire.
   *
   * @throws IllegalArgumentException if it is invalid
   */
  public static Entry entry(WireEntry w) {
    EntryKind kind = switch (w.getKind()) {
      case 1 -> EntryKind.STD;
      case 2 -> EntryKind.NOOP;
      case 3 -> EntryKind.CONFIG;
      default -> throw new IllegalArgumentException("unknown entry kind " + w.getKind());
    };
    AppendId id = w.getSession() == 0 && w.getSeq() == 0 && w.getSettled() == 0 ? AppendId.NONE
        : new AppendId(w.getSession(), w.getSeq(), w.getSettled());
    return new Entry(w.getIndex(), w.getTerm(), kind, w.getPayload().toByteArray(), id);
  }

  private static int kindCode(EntryKind k) {
    return switch (k) {
      case STD -> 1;
      case NOOP -> 2;
      case CONFIG -> 3;
    };
  }

  /** A node id in its binary form ({@link NodeId#toBytes()}). */
  public static ByteString id(NodeId id) {
    return UnsafeByteOperations.unsafeWrap(id.toBytes()); // a fresh array nobody else holds
  }

  /**
   * A node id from its binary form.
   *
   * @throws IllegalArgumentException if it is not {@link NodeId#BYTES} long
   */
  public static NodeId nodeId(ByteString bytes) {
    if (bytes.size() != NodeId.BYTES) {
      throw new IllegalArgumentException("node id of " + bytes.size() + " bytes, expected " + NodeId.BYTES);
    }
    return NodeId.readFrom(bytes.asReadOnlyByteBuffer());
  }

  /** A cluster id on the wire: its 16 bytes, or empty for none. */
  public static ByteString cluster(Optional<ClusterId> cluster) {
    return cluster.map(c -> UnsafeByteOperations.unsafeWrap(c.toBytes())).orElse(ByteString.EMPTY);
  }

  /**
   * A cluster id from the wire: empty bytes are none.
   *
   * @throws IllegalArgumentException if neither empty nor {@link ClusterId#BYTES} long
   */
  public static Optional<ClusterId> cluster(ByteString bytes) {
    return bytes.isEmpty() ? Optional.empty() : Optional.of(ClusterId.fromBytes(bytes.toByteArray()));
  }

  private static long nonNegative(long v, String field) {
    if (v < 0) {
      throw new IllegalArgumentException(field + " is negative (" + Long.toUnsignedString(v) + ")");
    }
    return v;
  }
}
