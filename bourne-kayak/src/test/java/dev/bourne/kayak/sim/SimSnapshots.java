package dev.bourne.kayak.sim;

import dev.bourne.kayak.api.StorageException;
import dev.bourne.kayak.core.SnapshotStorage;
import dev.bourne.kayak.storage.MemorySnapshotStorage;
import java.util.Optional;

/**
 * A simulated machine's snapshot store: the in-memory store, with the two crash points a real one
 * has. The simulation may cut the power while a snapshot is being written (before the rename: the
 * snapshot never becomes visible, and writing more fails as it would in a dead process) or right
 * after it became visible (after the rename, before the host compacted the log or acknowledged an
 * install). The machine's {@link #crashPoints} decides; the store outlives the host, like a disk.
 */
final class SimSnapshots implements SnapshotStorage {
  /** Where a snapshot write may be cut short; answers whether the power goes out there. */
  interface CrashPoints {
    /** While writing, before the snapshot is visible. */
    boolean beforeRename();

    /** The snapshot just became visible. */
    void afterRename();
  }

  private final MemorySnapshotStorage store = new MemorySnapshotStorage();
  private CrashPoints crashPoints;
  /** Set when the power went out mid-write; cleared when the next host starts on this disk. */
  private boolean dead;

  void crashPoints(CrashPoints points) {
    this.crashPoints = points;
  }

  /** The machine restarts: its snapshot store works again (what was not renamed is gone). */
  void powerOn() {
    dead = false;
  }

  @Override
  public Optional<Meta> latest() {
    return store.latest();
  }

  @Override
  public Writer create(long index, long term) {
    Writer inner = store.create(index, term);
    return new Writer() {
      @Override
      public long written() {
        return inner.written();
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        alive();
        inner.write(bytes, offset, length);
      }

      @Override
      public Meta commit(Integer expectedChecksum) {
        alive();
        if (crashPoints != null && crashPoints.beforeRename()) {
          dead = true;
          inner.abort();
          alive();
        }
        Meta meta = inner.commit(expectedChecksum);
        if (crashPoints != null) {
          crashPoints.afterRename();
        }
        return meta;
      }

      @Override
      public void abort() {
        inner.abort();
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }

  private void alive() {
    if (dead) {
      throw new StorageException("simulated power loss while writing a snapshot");
    }
  }

  @Override
  public byte[] read(Meta meta, long offset, int length) {
    return store.read(meta, offset, length);
  }

  @Override
  public void close() {}
}
