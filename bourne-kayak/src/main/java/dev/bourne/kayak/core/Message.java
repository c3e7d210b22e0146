package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.Entry;
import java.util.List;
import java.util.Objects;

/**
 * The messages Raft members exchange. Every message carries the sender's term and id; the host
 * converts them to and from the wire at its edge and hands them to {@link RaftCore#step}.
 * Immutable.
 */
public sealed interface Message {
  /** The sender's term (for a pre-vote request: the term the sender would campaign in). */
  long term();

  /** The sender. */
  NodeId from();

  /**
   * Which message this is, for exhaustive {@code switch} expressions (Java 17 has no pattern
   * matching in switch; a switch expression over this enum must name every kind).
   */
  Kind kind();

  /** The kinds of message, one per record type. */
  enum Kind {
    /** {@link VoteRequest}. */
    VOTE_REQUEST,
    /** {@link VoteResponse}. */
    VOTE_RESPONSE,
    /** {@link AppendRequest}. */
    APPEND_REQUEST,
    /** {@link AppendResponse}. */
    APPEND_RESPONSE,
    /** {@link Heartbeat}. */
    HEARTBEAT,
    /** {@link HeartbeatResponse}. */
    HEARTBEAT_RESPONSE,
    /** {@link TimeoutNow}. */
    TIMEOUT_NOW,
    /** {@link InstallSnapshot}. */
    INSTALL_SNAPSHOT
  }

  /**
   * Asks for a vote (or, with {@code preVote}, whether a vote would be granted).
   *
   * @param term the campaign term
   * @param from the candidate
   * @param lastIndex the candidate's last log index
   * @param lastTerm the term of the candidate's last entry
   * @param preVote true for a PreVote probe: nobody changes term or vote because of it
   * @param transfer true if a leadership transfer asked for this campaign: receivers skip the
   *     leader-lease check that otherwise protects a healthy leader
   */
  record VoteRequest(long term, NodeId from, long lastIndex, long lastTerm, boolean preVote, boolean transfer)
      implements Message {
    @Override
    public Kind kind() {
      return Kind.VOTE_REQUEST;
    }

    /** @throws NullPointerException if a reference component is null */
    public VoteRequest {
      Objects.requireNonNull(from, "from");
    }
  }

  /**
   * Answers a {@link VoteRequest}.
   *
   * @param term the campaign term if granted, else the responder's term
   * @param from the voter
   * @param preVote true if it answers a PreVote probe
   * @param granted whether the vote is (or would be) given
   */
  record VoteResponse(long term, NodeId from, boolean preVote, boolean granted) implements Message {
    @Override
    public Kind kind() {
      return Kind.VOTE_RESPONSE;
    }

    /** @throws NullPointerException if a reference component is null */
    public VoteResponse {
      Objects.requireNonNull(from, "from");
    }
  }

  /**
   * Replicates entries (possibly none) following {@code (prevIndex, prevTerm)}.
   *
   * @param term the leader's term
   * @param from the leader
   * @param prevIndex the index just before the first entry
   * @param prevTerm the term at {@code prevIndex} in the leader's log
   * @param entries contiguous entries from {@code prevIndex + 1}
   * @param commitIndex the leader's commit index
   */
  record AppendRequest(long term, NodeId from, long prevIndex, long prevTerm, List<Entry> entries, long commitIndex)
      implements Message {
    @Override
    public Kind kind() {
      return Kind.APPEND_REQUEST;
    }

    /** @throws NullPointerException if a reference component is null */
    public AppendRequest {
      Objects.requireNonNull(from, "from");
      entries = List.copyOf(entries);
    }

    @Override
    public String toString() {
      return "AppendRequest[t" + term + " " + from.shortString() + " prev=" + prevIndex + "@" + prevTerm + " n="
          + entries.size() + " commit=" + commitIndex + "]";
    }
  }

  /**
   * Answers an {@link AppendRequest}. Sent only after the acknowledged entries are durable.
   *
   * @param term the follower's term
   * @param from the follower
   * @param success whether the consistency check passed
   * @param index on success the highest index known to match the leader; on rejection the
   *     {@code prevIndex} that was rejected
   * @param hintIndex on rejection: the first index of {@code hintTerm} in the follower's log, or
   *     its last index + 1 if the log is too short
   * @param hintTerm on rejection: the follower's term at the rejected index, 0 if it has no entry
   *     there
   */
  record AppendResponse(long term, NodeId from, boolean success, long index, long hintIndex, long hintTerm)
      implements Message {
    @Override
    public Kind kind() {
      return Kind.APPEND_RESPONSE;
    }

    /** @throws NullPointerException if a reference component is null */
    public AppendResponse {
      Objects.requireNonNull(from, "from");
    }
  }

  /**
   * Asserts leadership and carries the commit index (never beyond what the follower matches).
   *
   * @param term the leader's term
   * @param from the leader
   * @param commitIndex {@code min(leader commit, follower match)}
   * @param readSeq the leader's latest read-index round; echoed back to confirm leadership
   */
  record Heartbeat(long term, NodeId from, long commitIndex, long readSeq) implements Message {
    @Override
    public Kind kind() {
      return Kind.HEARTBEAT;
    }

    /** @throws NullPointerException if a reference component is null */
    public Heartbeat {
      Objects.requireNonNull(from, "from");
    }
  }

  /**
   * Answers a {@link Heartbeat}.
   *
   * @param term the follower's term
   * @param from the follower
   * @param readSeq the echoed read round
   */
  record HeartbeatResponse(long term, NodeId from, long readSeq) implements Message {
    @Override
    public Kind kind() {
      return Kind.HEARTBEAT_RESPONSE;
    }

    /** @throws NullPointerException if a reference component is null */
    public HeartbeatResponse {
      Objects.requireNonNull(from, "from");
    }
  }

  /**
   * Tells an up-to-date follower to campaign at once (leadership transfer).
   *
   * @param term the leader's term
   * @param from the leader
   */
  record TimeoutNow(long term, NodeId from) implements Message {
    @Override
    public Kind kind() {
      return Kind.TIMEOUT_NOW;
    }

    /** @throws NullPointerException if a reference component is null */
    public TimeoutNow {
      Objects.requireNonNull(from, "from");
    }
  }

  /**
   * The leader's snapshot is complete and durable in this member's snapshot storage: install it.
   * Never sent on the wire: the host builds it once it received and verified every chunk, so that
   * the core applies the leader's term and leadership exactly as for an append.
   *
   * @param term the leader's term
   * @param from the leader
   * @param index the snapshot's last included index
   * @param snapshotTerm the term of that entry
   * @param membership the configuration at that index
   */
  record InstallSnapshot(long term, NodeId from, long index, long snapshotTerm, Membership membership)
      implements Message {
    @Override
    public Kind kind() {
      return Kind.INSTALL_SNAPSHOT;
    }

    /** @throws NullPointerException if a reference component is null */
    public InstallSnapshot {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(membership, "membership");
    }
  }
}
