package dev.bourne.kayak.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.AppendId;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.core.MembershipChange;
import dev.bourne.kayak.wire.WireCodec.MalformedMessageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The client requests members send each other (forwarded appends, read barriers, leadership
 * transfers, joins and leaves) as plain records, and their protobuf form. All protobuf mapping of
 * these requests lives here, so that the host deals in records and decoding errors are one type:
 * a {@link MalformedMessageException} names what was wrong, and the host answers it with
 * BAD_REQUEST.
 *
 * <p>Every call carries the caller's remaining time ({@code timeoutMs}, 0 = the callee's default),
 * so that the callee gives up when the caller does, and the caller's {@link ClusterId} (none only
 * for a new member that has not joined yet), so that the callee refuses calls from another cluster.
 *
 * <p>Thread-safe (stateless).
 */
public final class RequestCodec {
  private RequestCodec() {}

  /**
   * Events forwarded to the leader for appending, in order.
   *
   * @param cluster the caller's cluster, if it has one (every call carries it)
   * @param events the events; never empty; the arrays are not copied and must not be changed
   * @param ids the id of each event, all of one session (the caller's), the same on every retry
   * @param timeoutMs how long the caller waits, in milliseconds; 0 = the leader's default
   */
  public record Append(Optional<ClusterId> cluster, List<byte[]> events, List<AppendId> ids, long timeoutMs) {
    /** Checks the fields. */
    public Append {
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(events, "events");
      Objects.requireNonNull(ids, "ids");
      if (events.isEmpty()) {
        throw new IllegalArgumentException("an append call needs at least one event");
      }
      if (ids.size() != events.size()) {
        throw new IllegalArgumentException(ids.size() + " ids for " + events.size() + " events");
      }
      long session = ids.get(0).session();
      for (AppendId id : ids) {
        if (id.isNone() || id.session() != session) {
          throw new IllegalArgumentException("the events of an append call need ids of one session, got " + id);
        }
      }
    }
  }

  /** Where {@code count} consecutive events of a forwarded append committed: from {@code firstIndex}, in {@code term}. */
  public record Run(long firstIndex, long term, int count) {
    /** Checks the fields. */
    public Run {
      if (firstIndex < 1 || term < 1 || count < 1) {
        throw new IllegalArgumentException("invalid run of " + count + " at " + firstIndex + "@" + term);
      }
    }
  }

  /** Where the leader committed a forwarded append, run by run, covering its events in order. */
  public record Appended(List<Run> runs) {
    /** Checks the fields. */
    public Appended {
      runs = List.copyOf(runs);
      if (runs.isEmpty()) {
        throw new IllegalArgumentException("an append reply needs at least one run");
      }
    }

    /** The events' count. */
    public int events() {
      return runs.stream().mapToInt(Run::count).sum();
    }
  }

  /** A member asking to join, and where it listens; a new member has no cluster yet. */
  public record Join(Optional<ClusterId> cluster, NodeId member, HostPort address, long timeoutMs) {}

  /** The answer to a join: the cluster, the leader that accepted it and every member address it knows. */
  public record Joined(ClusterId cluster, NodeId leader, Map<NodeId, HostPort> peers) {}

  /** A member asking to be removed. */
  public record Leave(Optional<ClusterId> cluster, NodeId member, long timeoutMs) {}

  /**
   * An administrative change of a member's place in the configuration, asked of the leader.
   *
   * @param cluster the caller's cluster
   * @param change what to change
   * @param address where the member listens (required to add a learner)
   * @param timeoutMs how long the caller waits
   */
  public record Change(Optional<ClusterId> cluster, MembershipChange change, Optional<HostPort> address,
      long timeoutMs) {}

  /** A follower asking the leader for a read index. */
  public record Barrier(Optional<ClusterId> cluster, long timeoutMs) {}

  /** A request to hand leadership to {@code to}. */
  public record Transfer(Optional<ClusterId> cluster, NodeId to, long timeoutMs) {}

  // ------------------------------------------------------------------ append

  /** The wire form of {@code a}. */
  public static byte[] encode(Append a) {
    AppendCall.Builder b = AppendCall.newBuilder().setTimeoutMs(a.timeoutMs())
        .setCluster(WireCodec.cluster(a.cluster())).setSession(a.ids().get(0).session());
    for (byte[] e : a.events()) {
      b.addEvents(UnsafeByteOperations.unsafeWrap(e)); // the caller copied the events on append
    }
    for (AppendId id : a.ids()) {
      b.addSeqs(id.seq()).addSettleds(id.settled());
    }
    return b.build().toByteArray();
  }

  /**
   * Reads an {@link Append}.
   *
   * @throws MalformedMessageException if the bytes are not an append call with at least one event
   */
  public static Append decodeAppend(byte[] bytes) throws MalformedMessageException {
    AppendCall call = parse(AppendCall.parser(), bytes, "append call");
    if (call.getEventsCount() == 0) {
      throw new MalformedMessageException("append call without events");
    }
    if (call.getSeqsCount() != call.getEventsCount() || call.getSettledsCount() != call.getEventsCount()) {
      throw new MalformedMessageException("append call with " + call.getEventsCount() + " events but "
          + call.getSeqsCount() + " seqs and " + call.getSettledsCount() + " settled marks");
    }
    List<byte[]> events = new ArrayList<>(call.getEventsCount());
    List<AppendId> ids = new ArrayList<>(call.getEventsCount());
    try {
      for (int i = 0; i < call.getEventsCount(); i++) {
        events.add(call.getEvents(i).toByteArray());
        ids.add(new AppendId(call.getSession(), call.getSeqs(i), call.getSettleds(i)));
      }
      return new Append(cluster(call.getCluster(), "append call"), events, ids, call.getTimeoutMs());
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("invalid append call: " + e.getMessage(), e);
    }
  }

  /** The wire form of {@code a}. */
  public static byte[] encode(Appended a) {
    AppendReply.Builder b = AppendReply.newBuilder();
    for (Run r : a.runs()) {
      b.addRuns(AppendRun.newBuilder().setFirstIndex(r.firstIndex()).setTerm(r.term()).setCount(r.count()));
    }
    return b.build().toByteArray();
  }

  /**
   * Reads an {@link Appended}.
   *
   * @throws MalformedMessageException if the bytes are not an append reply with a valid position
   */
  public static Appended decodeAppended(byte[] bytes) throws MalformedMessageException {
    AppendReply r = parse(AppendReply.parser(), bytes, "append reply");
    if (r.getRunsCount() == 0) {
      throw new MalformedMessageException("append reply without runs");
    }
    try {
      List<Run> runs = new ArrayList<>(r.getRunsCount());
      for (AppendRun w : r.getRunsList()) {
        runs.add(new Run(w.getFirstIndex(), w.getTerm(), w.getCount()));
      }
      return new Appended(runs);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("append reply with " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ join and leave

  /** The wire form of {@code j}. */
  public static byte[] encode(Join j) {
    return JoinCall.newBuilder().setMember(WireCodec.peer(j.member(), j.address())).setTimeoutMs(j.timeoutMs())
        .setCluster(WireCodec.cluster(j.cluster())).build().toByteArray();
  }

  /**
   * Reads a {@link Join}.
   *
   * @throws MalformedMessageException if the bytes are not a join call with a valid id and address
   */
  public static Join decodeJoin(byte[] bytes) throws MalformedMessageException {
    JoinCall call = parse(JoinCall.parser(), bytes, "join call");
    try {
      return new Join(WireCodec.cluster(call.getCluster()), WireCodec.nodeId(call.getMember().getId()),
          HostPort.parse(call.getMember().getAddress()), call.getTimeoutMs());
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("invalid join call: " + e.getMessage(), e);
    }
  }

  /** The wire form of {@code j}. */
  public static byte[] encode(Joined j) {
    JoinReply.Builder b = JoinReply.newBuilder().setLeader(WireCodec.id(j.leader()))
        .setCluster(WireCodec.cluster(Optional.of(j.cluster())));
    j.peers().forEach((id, address) -> b.addPeers(WireCodec.peer(id, address)));
    return b.build().toByteArray();
  }

  /**
   * Reads a {@link Joined}.
   *
   * @throws MalformedMessageException if the bytes are not a join reply with valid ids and addresses
   */
  public static Joined decodeJoined(byte[] bytes) throws MalformedMessageException {
    JoinReply r = parse(JoinReply.parser(), bytes, "join reply");
    try {
      ClusterId cluster = WireCodec.cluster(r.getCluster())
          .orElseThrow(() -> new IllegalArgumentException("no cluster id"));
      return new Joined(cluster, WireCodec.nodeId(r.getLeader()), WireCodec.peers(r.getPeersList()));
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("invalid join reply: " + e.getMessage(), e);
    }
  }

  /** The wire form of {@code l}. */
  public static byte[] encode(Leave l) {
    return LeaveCall.newBuilder().setMember(WireCodec.id(l.member())).setTimeoutMs(l.timeoutMs())
        .setCluster(WireCodec.cluster(l.cluster())).build().toByteArray();
  }

  /**
   * Reads a {@link Leave}.
   *
   * @throws MalformedMessageException if the bytes are not a leave call with a valid id
   */
  public static Leave decodeLeave(byte[] bytes) throws MalformedMessageException {
    LeaveCall call = parse(LeaveCall.parser(), bytes, "leave call");
    try {
      return new Leave(WireCodec.cluster(call.getCluster()), WireCodec.nodeId(call.getMember()), call.getTimeoutMs());
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("invalid leave call: " + e.getMessage(), e);
    }
  }

  /** The wire form of {@code c}. */
  public static byte[] encode(Change c) {
    int kind = switch (c.change().kind()) {
      case ADD_LEARNER -> 1;
      case PROMOTE -> 2;
      case REMOVE -> 3;
    };
    return ChangeCall.newBuilder().setKind(kind).setMember(WireCodec.id(c.change().node()))
        .setAddress(c.address().map(HostPort::toString).orElse("")).setTimeoutMs(c.timeoutMs())
        .setCluster(WireCodec.cluster(c.cluster())).build().toByteArray();
  }

  /** The wire form of the reply to a change: it carries nothing (the change is committed). */
  public static byte[] encodeChanged() {
    return ChangeReply.getDefaultInstance().toByteArray();
  }

  /**
   * Reads a {@link Change}.
   *
   * @throws MalformedMessageException if the bytes are not a change call with a known kind, a valid
   *     id, and an address where one is needed
   */
  public static Change decodeChange(byte[] bytes) throws MalformedMessageException {
    ChangeCall call = parse(ChangeCall.parser(), bytes, "change call");
    try {
      NodeId member = WireCodec.nodeId(call.getMember());
      Optional<HostPort> address = call.getAddress().isEmpty() ? Optional.empty()
          : Optional.of(HostPort.parse(call.getAddress()));
      MembershipChange change = switch (call.getKind()) {
        case 1 -> new MembershipChange.AddLearner(member);
        case 2 -> new MembershipChange.Promote(member);
        case 3 -> new MembershipChange.Remove(member);
        default -> throw new IllegalArgumentException("unknown change kind " + call.getKind());
      };
      if (call.getKind() == 1 && address.isEmpty()) {
        throw new IllegalArgumentException("adding a learner needs its address");
      }
      return new Change(WireCodec.cluster(call.getCluster()), change, address, call.getTimeoutMs());
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("invalid change call: " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ barrier and transfer

  /** The wire form of {@code b}. */
  public static byte[] encode(Barrier b) {
    return BarrierCall.newBuilder().setTimeoutMs(b.timeoutMs()).setCluster(WireCodec.cluster(b.cluster())).build()
        .toByteArray();
  }

  /**
   * Reads a {@link Barrier}.
   *
   * @throws MalformedMessageException if the bytes are not a barrier call
   */
  public static Barrier decodeBarrier(byte[] bytes) throws MalformedMessageException {
    BarrierCall call = parse(BarrierCall.parser(), bytes, "barrier call");
    return new Barrier(cluster(call.getCluster(), "barrier call"), call.getTimeoutMs());
  }

  /** The wire form of a barrier's answer: the read index the leader confirmed. */
  public static byte[] encodeReadIndex(long readIndex) {
    return BarrierReply.newBuilder().setReadIndex(readIndex).build().toByteArray();
  }

  /**
   * Reads a barrier's answer.
   *
   * @throws MalformedMessageException if the bytes are not a barrier reply
   */
  public static long decodeReadIndex(byte[] bytes) throws MalformedMessageException {
    return parse(BarrierReply.parser(), bytes, "barrier reply").getReadIndex();
  }

  /** The wire form of {@code t}. */
  public static byte[] encode(Transfer t) {
    return TransferCall.newBuilder().setTo(WireCodec.id(t.to())).setTimeoutMs(t.timeoutMs())
        .setCluster(WireCodec.cluster(t.cluster())).build().toByteArray();
  }

  /**
   * Reads a {@link Transfer}.
   *
   * @throws MalformedMessageException if the bytes are not a transfer call with a valid id
   */
  public static Transfer decodeTransfer(byte[] bytes) throws MalformedMessageException {
    TransferCall call = parse(TransferCall.parser(), bytes, "transfer call");
    try {
      return new Transfer(WireCodec.cluster(call.getCluster()), WireCodec.nodeId(call.getTo()), call.getTimeoutMs());
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("invalid transfer call: " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ snapshot chunks

  /**
   * One chunk of a snapshot sent to a follower.
   *
   * @param cluster the leader's cluster
   * @param from the leader
   * @param to the follower
   * @param term the leader's term
   * @param index the snapshot's last included index
   * @param snapshotTerm the term of that entry
   * @param length the snapshot's length in bytes
   * @param checksum its CRC32C
   * @param offset where this chunk starts
   * @param data the chunk's bytes
   */
  public record Chunk(Optional<ClusterId> cluster, NodeId from, NodeId to, long term, long index, long snapshotTerm,
      long length, int checksum, long offset, byte[] data) {
    /** Checks the fields. */
    public Chunk {
      if (term < 1 || index < 1 || snapshotTerm < 1 || snapshotTerm > term || length < 0 || offset < 0
          || offset + data.length > length) {
        throw new IllegalArgumentException("invalid chunk of " + data.length + " bytes at " + offset + " of snapshot "
            + index + "@" + snapshotTerm + " (" + length + " bytes) in term " + term);
      }
    }

    /** True if this chunk ends the snapshot. */
    public boolean last() {
      return offset + data.length == length;
    }
  }

  /** A follower's answer to a chunk: how much of the snapshot it holds, and whether it installed it. */
  public record ChunkReply(long nextOffset, boolean installed) {}

  /** The wire form of {@code c}. */
  public static byte[] encode(Chunk c) {
    return SnapshotChunk.newBuilder().setCluster(WireCodec.cluster(c.cluster())).setFrom(WireCodec.id(c.from()))
        .setTo(WireCodec.id(c.to())).setTerm(c.term()).setIndex(c.index()).setSnapshotTerm(c.snapshotTerm())
        .setLength(c.length()).setChecksum(c.checksum()).setOffset(c.offset())
        .setData(UnsafeByteOperations.unsafeWrap(c.data())).build().toByteArray();
  }

  /**
   * Reads a {@link Chunk}.
   *
   * @throws MalformedMessageException if the bytes are not a valid chunk
   */
  public static Chunk decodeChunk(byte[] bytes) throws MalformedMessageException {
    SnapshotChunk c = parse(SnapshotChunk.parser(), bytes, "snapshot chunk");
    try {
      return new Chunk(WireCodec.cluster(c.getCluster()), WireCodec.nodeId(c.getFrom()), WireCodec.nodeId(c.getTo()),
          c.getTerm(), c.getIndex(), c.getSnapshotTerm(), c.getLength(), c.getChecksum(), c.getOffset(),
          c.getData().toByteArray());
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("invalid snapshot chunk: " + e.getMessage(), e);
    }
  }

  /** The wire form of {@code r}. */
  public static byte[] encode(ChunkReply r) {
    return SnapshotChunkReply.newBuilder().setNextOffset(r.nextOffset()).setInstalled(r.installed()).build()
        .toByteArray();
  }

  /**
   * Reads a {@link ChunkReply}.
   *
   * @throws MalformedMessageException if the bytes are not a chunk reply
   */
  public static ChunkReply decodeChunkReply(byte[] bytes) throws MalformedMessageException {
    SnapshotChunkReply r = parse(SnapshotChunkReply.parser(), bytes, "snapshot chunk reply");
    return new ChunkReply(r.getNextOffset(), r.getInstalled());
  }

  private static Optional<ClusterId> cluster(ByteString bytes, String what) throws MalformedMessageException {
    try {
      return WireCodec.cluster(bytes);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("invalid " + what + ": " + e.getMessage(), e);
    }
  }

  private static <T> T parse(Parser<T> parser, byte[] bytes, String what) throws MalformedMessageException {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedMessageException("malformed " + what + ": " + e.getMessage(), e);
    }
  }
}
