package dev.bourne.convoy.core;

import dev.bourne.convoy.api.GossipConfig;

/**
 * The protocol settings a {@link SwimCore} runs with, in the core's units: nanoseconds and counts.
 * The host builds it at its edge with {@link #from(GossipConfig)} from the user's validated
 * configuration, whose fields these mirror (see {@link GossipConfig} for what each means); the core
 * trusts it and checks nothing. Immutable.
 */
public record ProtocolConfig(
    long probeIntervalNanos,
    long probeTimeoutNanos,
    int indirectChecks,
    int suspicionMult,
    int suspicionMaxMult,
    int awarenessMax,
    long gossipIntervalNanos,
    int fanout,
    int retransmitFactor,
    long gossipToDeadNanos,
    long pushPullIntervalNanos,
    long reapAfterNanos,
    long rejoinInitialBackoffNanos,
    long rejoinMaxBackoffNanos,
    int maxQueuedUpdates,
    int maxPacketBytes,
    int maxKeyBytes,
    int maxValueBytes,
    int maxMemberBytes,
    int maxMembers) {

  /** Bytes of a packet that framing may take beyond the largest item's key and value. */
  public static final int PACKET_FRAMING_BYTES = Sizes.ITEM_OVERHEAD + Sizes.MESSAGE_OVERHEAD;

  /** The core's form of the user's settings: durations become nanoseconds. */
  public static ProtocolConfig from(GossipConfig g) {
    return from(g, 0);
  }

  /**
   * As {@link #from(GossipConfig)}, for messages that travel inside an envelope of up to {@code
   * envelopeBytes} (the cluster name, a nonce and a tag): the packets the core fills are that much
   * smaller, so that an enveloped packet still fits {@code maxPacketBytes}; but never too small for
   * the largest item, which must still be gossiped (such a packet, too big for a datagram once
   * enveloped, goes over TCP).
   */
  public static ProtocolConfig from(GossipConfig g, int envelopeBytes) {
    int packet = Math.max(g.maxPacketBytes() - envelopeBytes,
        Math.min(g.maxPacketBytes(), g.maxKeyBytes() + g.maxValueBytes() + PACKET_FRAMING_BYTES));
    return new ProtocolConfig(g.probeInterval().toNanos(), g.probeTimeout().toNanos(), g.indirectChecks(),
        g.suspicionMult(), g.suspicionMaxMult(), g.awarenessMax(), g.gossipInterval().toNanos(), g.fanout(),
        g.retransmitFactor(), g.gossipToDeadTime().toNanos(), g.pushPullInterval().toNanos(),
        g.reapAfter().toNanos(), g.rejoinInitialBackoff().toNanos(), g.rejoinMaxBackoff().toNanos(),
        g.maxQueuedUpdates(), packet, g.maxKeyBytes(), g.maxValueBytes(), g.maxMemberBytes(),
        g.maxMembers());
  }

  /** How many times each update is sent in a group of {@code n} members (self included). */
  public int retransmitLimit(int n) {
    return Math.max(1, (int) Math.ceil(retransmitFactor * Math.log(n + 1.0)));
  }

  /** The least suspicion timeout in a group of {@code n} members: {@code suspicionMult * max(1, log10 n)} probe intervals. */
  public long suspicionMinNanos(int n) {
    double scale = Math.max(1.0, Math.log10(Math.max(1, n)));
    return (long) (suspicionMult * scale * probeIntervalNanos);
  }

  /** The first (longest) suspicion timeout in a group of {@code n} members. */
  public long suspicionMaxNanos(int n) {
    return suspicionMinNanos(n) * suspicionMaxMult;
  }
}
