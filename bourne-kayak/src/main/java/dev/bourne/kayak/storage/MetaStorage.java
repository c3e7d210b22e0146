package dev.bourne.kayak.storage;

/**
 * Small durable metadata of one Raft member: the {@link HardState}. {@link #save} returns only once
 * the state is durable, because Raft forbids answering a vote or an append before its term and vote
 * are on disk.
 *
 * <p>Threading: one writer; {@link #load} from any thread.
 */
public interface MetaStorage extends AutoCloseable {
  /** The last saved state, or {@link HardState#INITIAL} for a new member. */
  HardState load();

  /**
   * Saves durably.
   *
   * @throws StorageException if it could not be made durable
   */
  void save(HardState state);

  /** Releases files. Idempotent. */
  @Override
  void close();
}
