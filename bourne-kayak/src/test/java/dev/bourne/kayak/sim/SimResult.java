package dev.bourne.kayak.sim;

/**
 * What a {@link Simulation} run did.
 *
 * @param seed the seed
 * @param traceHash a hash of every observable event in order: equal for equal seeds
 * @param events clock tasks run
 * @param checks safety checks passed
 * @param acknowledged appends acknowledged to clients (through {@code Log.append})
 * @param committed the highest committed index
 * @param crashes crashes injected
 * @param membershipChanges joins and leaves that completed
 * @param leaderChanges terms in which a leader was elected
 * @param reads read barriers and linearizable reads that completed
 * @param snapshots snapshots taken ({@code Log.compact} completed)
 * @param installs snapshots received from a leader and installed
 * @param reloads times an application rebuilt its state from a snapshot
 * @param snapshotCrashes crashes injected while a snapshot was written (before or right after it became visible)
 */
public record SimResult(long seed, long traceHash, long events, long checks, int acknowledged, long committed,
    int crashes, int membershipChanges, int leaderChanges, int reads, int snapshots, int installs, int reloads,
    int snapshotCrashes) {}
