package dev.bourne.kayak.storage;

import dev.bourne.kayak.api.StorageException;
import dev.bourne.kayak.core.SnapshotStorage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Snapshots in memory, for the simulator and tests: a snapshot is visible once committed and
 * survives a simulated crash (the object outlives the host); an uncommitted one is simply dropped.
 *
 * <p>Thread-safe.
 */
public final class MemorySnapshotStorage implements SnapshotStorage {
  private Meta latest;
  private byte[] content;

  @Override
  public synchronized Optional<Meta> latest() {
    return Optional.ofNullable(latest);
  }

  @Override
  public Writer create(long index, long term) {
    return new Writer() {
      private final ByteArrayOutputStream out = new ByteArrayOutputStream();
      private final CRC32C crc = new CRC32C();
      private boolean done;

      @Override
      public long written() {
        return out.size();
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        if (done) {
          throw new IllegalStateException("snapshot writer already finished");
        }
        out.write(bytes, offset, length);
        crc.update(bytes, offset, length);
      }

      @Override
      public Meta commit(Integer expectedChecksum) {
        if (done) {
          throw new IllegalStateException("snapshot writer already finished");
        }
        done = true;
        int checksum = (int) crc.getValue();
        if (expectedChecksum != null && expectedChecksum != checksum) {
          throw new StorageException("snapshot " + index + "@" + term + " checksum mismatch");
        }
        Meta meta = new Meta(index, term, out.size(), checksum);
        synchronized (MemorySnapshotStorage.this) {
          if (latest == null || latest.index() < index || latest.index() == index && latest.term() <= term) {
            latest = meta;
            content = out.toByteArray();
          }
        }
        return meta;
      }

      @Override
      public void abort() {
        done = true;
      }

      @Override
      public void close() {
        abort();
      }
    };
  }

  @Override
  public synchronized byte[] read(Meta meta, long offset, int length) {
    if (!meta.equals(latest)) {
      throw new StorageException("snapshot " + meta + " is no longer stored");
    }
    if (offset < 0 || offset > meta.length() || length < 0) {
      throw new IllegalArgumentException("read of " + length + " at " + offset + " outside " + meta);
    }
    return Arrays.copyOfRange(content, (int) offset, (int) Math.min(meta.length(), offset + length));
  }

  @Override
  public void close() {}
}
