package dev.bourne.kayak.host;

import dev.bourne.common.exec.Workers;
import dev.bourne.common.time.Scheduler;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.core.LogStorage;
import dev.bourne.kayak.core.MetaStorage;
import dev.bourne.kayak.core.SnapshotStorage;
import dev.bourne.net.Transport;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Everything a Kayak host is assembled from. Production passes the Netty transport, the segmented
 * log, MapDB, the system scheduler and threads ({@link Hosts#production}); the simulator passes a
 * virtual clock, an in-memory transport over the simulated network, in-memory storage that loses
 * unsynced writes on a crash, and executors that run on the virtual clock. The host itself takes
 * time, threads and randomness from nowhere else.
 *
 * @param config the member's configuration (its storage paths are not read: storage is given)
 * @param scheduler timers and the only clock the host reads
 * @param random the host's one source of randomness (election timeouts, a new member's id)
 * @param transport messages and calls to peers
 * @param log the durable Raft log
 * @param meta hard state and the host's small named values
 * @param snapshots the durable snapshots of the application state
 * @param loopWorkers where the event loop runs
 * @param writerWorkers where the storage writer runs (group commit)
 * @param owned closed, in order, when the host shuts down (a transport or scheduler made for it)
 * @param inlineWriteMaxEntries Readys with at most this many entries may be written on the event
 *     loop while the writer is idle (0: always through the writer)
 * @param probe what the simulator observes; {@link HostProbe#NONE} in production
 */
public record HostParts(KayakConfig config, Scheduler scheduler, Random random, Transport transport,
    LogStorage log, MetaStorage meta, SnapshotStorage snapshots, Workers loopWorkers, Workers writerWorkers, List<AutoCloseable> owned,
    int inlineWriteMaxEntries, HostProbe probe) {

  /** The inline-write limit of production hosts. */
  public static final int DEFAULT_INLINE_WRITE_MAX_ENTRIES = 8;

  /**
   * Checks that every part is there.
   *
   * @throws NullPointerException if a part is null
   * @throws IllegalArgumentException if {@code inlineWriteMaxEntries} is negative
   */
  public HostParts {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(snapshots, "snapshots");
    Objects.requireNonNull(loopWorkers, "loopWorkers");
    Objects.requireNonNull(writerWorkers, "writerWorkers");
    owned = List.copyOf(owned);
    Objects.requireNonNull(probe, "probe");
    if (inlineWriteMaxEntries < 0) {
      throw new IllegalArgumentException("inlineWriteMaxEntries must be >= 0, got " + inlineWriteMaxEntries);
    }
  }
}
