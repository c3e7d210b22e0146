package dev.bourne.net.transport;

import dev.bourne.common.metrics.Metrics;

/**
 * The counters a {@link NettyTransport} reports, looked up once. The names are public so that
 * dashboards and tests refer to them by constant.
 */
public final class NetMetrics {
  /** Outgoing TCP connections established (TLS handshake included). */
  public static final String CONNECTIONS_OPENED = "net.connections.opened";
  /** Outgoing connection attempts that failed. */
  public static final String CONNECT_FAILURES = "net.connections.failed";
  /** Incoming TCP connections accepted. */
  public static final String CONNECTIONS_ACCEPTED = "net.connections.accepted";
  /** Frames announcing more than the maximum size (connection closed). */
  public static final String FRAMES_OVERSIZED = "net.frames.oversized";
  /** Frames that were not a valid envelope, or had an invalid kind or source (connection closed). */
  public static final String FRAMES_MALFORMED = "net.frames.malformed";
  /** Connections that ended in the middle of a frame. */
  public static final String FRAMES_TRUNCATED = "net.frames.truncated";
  /** Connections closed because a frame stayed half-sent past the frame timeout. */
  public static final String FRAMES_STALLED = "net.frames.stalled";
  /** Accepted connections closed because they sent nothing within the frame timeout. */
  public static final String CONNECTIONS_SILENT = "net.connections.silent";
  /** TLS handshakes refused (untrusted or missing certificate, or not TLS at all). */
  public static final String TLS_REFUSED = "net.tls.refused";
  /** Accepted connections closed at once because of the connection limits (total or per address). */
  public static final String CONNECTIONS_REFUSED = "net.connections.refused";
  /** Responses whose call was already over (timed out or cancelled). */
  public static final String RESPONSES_LATE = "net.responses.late";
  /** One-way messages and datagrams with no listener for their method. */
  public static final String MESSAGES_UNHANDLED = "net.messages.unhandled";
  /** Inbound datagrams dropped: too large, not an envelope, or not one-way. */
  public static final String DATAGRAMS_DROPPED = "net.datagrams.dropped";
  /** Times a serving connection stopped reading because its peer was not reading the replies. */
  public static final String READS_PAUSED = "net.reads.paused";
  /** Calls and messages refused because their peer stopped reading and too much was queued for it. */
  public static final String BACKLOG_REFUSALS = "net.backlog.refused";
  /** Calls that hit their deadline. */
  public static final String CALLS_TIMED_OUT = "net.calls.timedout";

  final Metrics.Counter opened;
  final Metrics.Counter connectFailures;
  final Metrics.Counter accepted;
  final Metrics.Counter oversized;
  final Metrics.Counter malformed;
  final Metrics.Counter truncated;
  final Metrics.Counter stalled;
  final Metrics.Counter silent;
  final Metrics.Counter tlsRefused;
  final Metrics.Counter connectionsRefused;
  final Metrics.Counter late;
  final Metrics.Counter unhandled;
  final Metrics.Counter datagramsDropped;
  final Metrics.Counter timedOut;
  final Metrics.Counter readsPaused;
  final Metrics.Counter backlogRefusals;

  NetMetrics(Metrics m) {
    opened = m.counter(CONNECTIONS_OPENED);
    connectFailures = m.counter(CONNECT_FAILURES);
    accepted = m.counter(CONNECTIONS_ACCEPTED);
    oversized = m.counter(FRAMES_OVERSIZED);
    malformed = m.counter(FRAMES_MALFORMED);
    truncated = m.counter(FRAMES_TRUNCATED);
    stalled = m.counter(FRAMES_STALLED);
    silent = m.counter(CONNECTIONS_SILENT);
    tlsRefused = m.counter(TLS_REFUSED);
    connectionsRefused = m.counter(CONNECTIONS_REFUSED);
    late = m.counter(RESPONSES_LATE);
    unhandled = m.counter(MESSAGES_UNHANDLED);
    datagramsDropped = m.counter(DATAGRAMS_DROPPED);
    timedOut = m.counter(CALLS_TIMED_OUT);
    readsPaused = m.counter(READS_PAUSED);
    backlogRefusals = m.counter(BACKLOG_REFUSALS);
  }
}
