/**
 * The Raft core: a pure, single-threaded, deterministic state machine ({@link
 * dev.bourne.kayak.core.RaftCore}) with no I/O, threads, clocks or hidden randomness. A host (the
 * networked Kayak host, or the simulator in {@code dev.bourne.kayak.sim}) owns one core per member
 * and drives it from one thread.
 *
 * <h2>Driving a core</h2>
 *
 * <pre>{@code
 * HardState hs = meta.load();
 * RaftCore core = new RaftCore(self, RaftConfig.defaults(), logStorage, hs, new Random(seed));
 * if (firstMemberOfNewCluster && logStorage.lastIndex() == 0) core.bootstrap();
 *
 * // on the event-loop thread, for every input:
 * core.step(message);              // a Message from a peer (converted from the wire)
 * core.tick();                     // every tick (e.g. 10 ms): elections, heartbeats, CheckQuorum
 * core.propose(payloads);          // application appends -> ProposeResult (Accepted / Rejected)
 * core.proposeChange(change);      // AddLearner / Promote / Remove, one at a time
 * core.transferLeadership(to);
 * core.requestRead(requestId);     // barrier; answer later in Ready.reads()
 * core.persisted(index, term);     // the storage writer made everything up to (index, term) durable
 *
 * // after any input(s):
 * while (core.hasReady()) {
 *   Ready r = core.ready();
 *   r.hardState().ifPresent(meta::save);                 // durable before any message of r leaves
 *   writer.enqueue(r.truncateFrom(), r.entries());       // truncateSuffix then append, in Ready order
 *   r.messages().forEach(transport::send);               // may leave now (leader replication)
 *   writer.afterSync(() -> {                             // once r's writes (and all earlier) are fsynced:
 *     loop.execute(() -> core.persisted(last.index(), last.term()));   // on the core's thread
 *     r.persistedMessages().forEach(transport::send);    // votes and append acks
 *   });
 *   apply(r.committed()); complete(r.reads()); publish(r.status(), r.membership());
 * }
 * }</pre>
 *
 * <p>Group commit: the writer may coalesce the writes of many Readys into one fsync and then call
 * {@code persisted} once with the last entry written; every waiting {@code persistedMessages} list
 * of those Readys may then be sent. {@code persisted} with a stale (index, term) is ignored.
 *
 * <p>Appends: {@code propose} on a follower returns {@code Rejected(NOT_LEADER, hint)}; the host
 * forwards. An accepted proposal at {@code (index, term)} is committed when a committed entry at
 * {@code index} (in {@code Ready.committed()}) carries the same term; if another term shows up
 * there, it was lost to a leader change and may be retried (appends are at-least-once).
 *
 * <p>Membership: the configuration lives in CONFIG entries ({@link
 * dev.bourne.kayak.core.MembershipCodec}); it takes effect when appended and is rolled back if
 * truncated ({@code Ready.membership()} reports every change). A joiner starts with an empty log and
 * no configuration (it never campaigns), is added as a learner, and is promoted by the leader once
 * within {@link dev.bourne.kayak.core.RaftConfig#learnerCatchUpEntries()} of the log (or by the
 * host, using {@link dev.bourne.kayak.core.RaftCore#progress()}). A leader that removes itself
 * hands over once the removal commits; a removed member stops campaigning once its removal is
 * committed.
 *
 * <p>Snapshots (later): the core reads {@link dev.bourne.kayak.core.LogStorage} from its first
 * index on; a follower that needs compacted entries is reported in {@code Ready.needSnapshot()}
 * and its progress parks in {@link dev.bourne.kayak.core.ProgressState#SNAPSHOT}.
 */
package dev.bourne.kayak.core;
