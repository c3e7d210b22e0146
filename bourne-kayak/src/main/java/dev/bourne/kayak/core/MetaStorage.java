package dev.bourne.kayak.core;

/**
 * Small durable metadata of one Raft member: the {@link HardState}, and a few named values of the
 * host (its id, the application's acknowledged index, the address book). {@link #save} returns only once
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

  /**
   * The value stored under {@code name}, if any (a copy).
   *
   * @throws IllegalArgumentException if the name is empty or reserved
   */
  java.util.Optional<byte[]> get(String name);

  /**
   * Stores {@code value} under {@code name} durably before returning.
   *
   * @throws IllegalArgumentException if the name is empty or reserved
   * @throws StorageException if it could not be made durable
   */
  void put(String name, byte[] value);

  /** Releases files. Idempotent. */
  @Override
  void close();
}
