package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.Entry;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the core asks its host to do, collected since the previous {@link RaftCore#ready()}.
 * The host must carry out every Ready it takes, in the order taken:
 *
 * <ol>
 *   <li>If {@link #hardState} is present, save it durably ({@code MetaStorage.save}) <em>before
 *       sending any message of this Ready</em>.
 *   <li>If {@link #truncateFrom} is positive, {@code LogStorage.truncateSuffix(truncateFrom)}; then
 *       {@code LogStorage.append(entries)}. Both may be queued to a storage writer that syncs many
 *       Readys with one fsync (group commit); writes must reach storage in Ready order.
 *   <li>Send {@link #messages} at once: they do not depend on this Ready's log writes (a leader
 *       replicates in parallel with its own fsync).
 *   <li>Once the log writes of this Ready and of every earlier one are durable: call {@link
 *       RaftCore#persisted(long, long)} with the last entry written (one call may cover many
 *       Readys) and send {@link #persistedMessages} (votes and append acknowledgements).
 *   <li>Deliver {@link #committed} to the application, {@link #reads} to waiting readers, and act
 *       on the events ({@link #status}, {@link #membership}, {@link #needSnapshot}).
 * </ol>
 *
 * @param hardState term, vote and a safe commit index to save, if the term or vote changed
 * @param truncateFrom the first index of a conflicting suffix to remove before appending, or 0
 * @param entries entries to append to the log, contiguous
 * @param messages messages that may be sent immediately
 * @param persistedMessages messages to send only after this Ready's (and earlier) log writes are
 *     durable
 * @param committed newly committed entries, in order, all already durable locally; delivered once
 * @param reads results of read-index requests
 * @param status the new role / term / leader, if any of them changed
 * @param membership the new effective configuration, if it changed (appended or rolled back)
 * @param needSnapshot followers that need entries this leader has compacted away: the host sends
 *     them the latest snapshot and reports a failure with {@link RaftCore#snapshotFailed}
 * @param installIndex if not 0, the log was replaced by the snapshot ending at this index (durable
 *     in snapshot storage): before this Ready's writes, storage drops every entry and restarts
 *     after {@code (installIndex, installTerm)}
 * @param installTerm the term at {@code installIndex}
 */
public record Ready(
    Optional<HardState> hardState,
    long truncateFrom,
    List<Entry> entries,
    List<Outbound> messages,
    List<Outbound> persistedMessages,
    List<Entry> committed,
    List<ReadResult> reads,
    Optional<Status> status,
    Optional<Membership> membership,
    List<NodeId> needSnapshot,
    long installIndex,
    long installTerm) {

  /** @throws NullPointerException if a reference component is null */
  public Ready {
    Objects.requireNonNull(hardState, "hardState");
    entries = List.copyOf(entries);
    messages = List.copyOf(messages);
    persistedMessages = List.copyOf(persistedMessages);
    committed = List.copyOf(committed);
    reads = List.copyOf(reads);
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(membership, "membership");
    needSnapshot = List.copyOf(needSnapshot);
  }

  /** True if there is nothing to do. */
  public boolean isEmpty() {
    return hardState.isEmpty()
        && truncateFrom == 0
        && entries.isEmpty()
        && messages.isEmpty()
        && persistedMessages.isEmpty()
        && committed.isEmpty()
        && reads.isEmpty()
        && status.isEmpty()
        && membership.isEmpty()
        && needSnapshot.isEmpty()
        && installIndex == 0;
  }

  /** The last entry to write, if any: what to pass to {@link RaftCore#persisted} once durable. */
  public Optional<Entry> lastEntry() {
    return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
  }
}
