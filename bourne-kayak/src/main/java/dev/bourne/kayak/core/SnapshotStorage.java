package dev.bourne.kayak.core;

import java.util.Optional;

/**
 * Durable snapshots: the state of the application (and of the host) as of one log index, as
 * opaque bytes. A snapshot becomes visible only once it is complete and durable; the previous one
 * is removed only after that; a snapshot being written or received and never committed leaves
 * nothing behind, even across a crash.
 *
 * <p>Threading: one writer at a time; {@link #latest} and readers from any thread.
 */
public interface SnapshotStorage extends AutoCloseable {
  /** What identifies a snapshot: its last included index and term, its length and checksum. */
  record Meta(long index, long term, long length, int checksum) {
    /** @throws IllegalArgumentException if a field is out of range */
    public Meta {
      if (index < 1 || term < 1 || length < 0) {
        throw new IllegalArgumentException("invalid snapshot " + index + "@" + term + " of " + length + " bytes");
      }
    }
  }

  /** A snapshot being written: bytes in order, then {@link #commit} or {@link #abort}. */
  interface Writer extends AutoCloseable {
    /** How many bytes were written so far. */
    long written();

    /**
     * Appends bytes.
     *
     * @throws dev.bourne.kayak.api.StorageException on an I/O error
     */
    void write(byte[] bytes, int offset, int length);

    /**
     * Makes the snapshot durable and the latest one (the previous one is removed afterwards).
     *
     * @param expectedChecksum the checksum the sender computed, or null to accept what was written
     * @return its identity
     * @throws dev.bourne.kayak.api.StorageException if the checksum does not match (nothing is
     *     kept) or on an I/O error
     */
    Meta commit(Integer expectedChecksum);

    /** Discards what was written. Idempotent; also what {@link #close} does if not committed. */
    void abort();

    @Override
    void close();
  }

  /** The latest durable snapshot, if any. */
  Optional<Meta> latest();

  /**
   * Starts a snapshot as of {@code index} and {@code term}.
   *
   * @throws dev.bourne.kayak.api.StorageException on an I/O error
   */
  Writer create(long index, long term);

  /**
   * Reads up to {@code length} bytes of snapshot {@code meta} from {@code offset}.
   *
   * @return the bytes (fewer only at the end)
   * @throws dev.bourne.kayak.api.StorageException if it is no longer stored (a newer one replaced
   *     it) or on an I/O error
   */
  byte[] read(Meta meta, long offset, int length);

  /** Releases files. Idempotent. */
  @Override
  void close();
}
