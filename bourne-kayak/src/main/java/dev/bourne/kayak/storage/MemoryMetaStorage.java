package dev.bourne.kayak.storage;

import java.util.Objects;

/**
 * A {@link MetaStorage} in memory. {@link #save} is durable at once (as the contract requires), so
 * a simulated crash loses nothing here. Thread-safe.
 */
public final class MemoryMetaStorage implements MetaStorage {
  private HardState state = HardState.INITIAL;
  private long saves;

  /** A member that has never saved anything. */
  public MemoryMetaStorage() {}

  @Override
  public synchronized HardState load() {
    return state;
  }

  @Override
  public synchronized void save(HardState s) {
    state = Objects.requireNonNull(s, "state");
    saves++;
  }

  /** How many times {@link #save} ran. */
  public synchronized long saveCount() {
    return saves;
  }

  @Override
  public void close() {}
}
