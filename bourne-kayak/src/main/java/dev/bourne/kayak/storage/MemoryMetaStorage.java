package dev.bourne.kayak.storage;

import dev.bourne.kayak.core.MetaStorage;
import dev.bourne.kayak.core.HardState;
import java.util.Objects;

/**
 * A {@link MetaStorage} in memory. {@link #save} is durable at once (as the contract requires), so
 * a simulated crash loses nothing here. Thread-safe.
 */
public final class MemoryMetaStorage implements MetaStorage {
  private final java.util.TreeMap<String, byte[]> values = new java.util.TreeMap<>();
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

  @Override
  public synchronized java.util.Optional<byte[]> get(String name) {
    checkName(name);
    byte[] v = values.get(name);
    return v == null ? java.util.Optional.empty() : java.util.Optional.of(v.clone());
  }

  @Override
  public synchronized void put(String name, byte[] value) {
    checkName(name);
    values.put(name, Objects.requireNonNull(value, "value").clone());
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("metadata name must not be empty");
    }
  }

  /** How many times {@link #save} ran. */
  public synchronized long saveCount() {
    return saves;
  }

  @Override
  public void close() {}
}
