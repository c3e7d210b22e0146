package dev.bourne.it.kv.core;

import java.util.Objects;
import java.util.Optional;

/**
 * A write to the key/value state machine, as it travels in the replicated log. Every replica
 * applies the same commands in the same order and so computes the same {@link Outcome}.
 */
public sealed interface Command {
  /** The key written. */
  String key();

  /** The version the key must have for the write to apply: empty for none, 0 for "absent". */
  Optional<Long> expected();

  /**
   * A number the submitting node chose to recognise its own command when it applies it (unique on
   * that node for the node's lifetime; other replicas ignore it).
   */
  long token();

  /** The client's request id, for exactly-once retries; empty when the client gave none. */
  Optional<RequestId> request();

  /**
   * Sets {@code key} to {@code value}.
   *
   * @throws IllegalArgumentException if the key or value breaks {@link Limits}
   */
  record Put(String key, byte[] value, Optional<Long> expected, long token, Optional<RequestId> request)
      implements Command {
    public Put {
      Limits.checkKey(key);
      Objects.requireNonNull(value, "value");
      Limits.checkValue(value);
      Limits.checkExpected(expected);
      Objects.requireNonNull(request, "request");
    }
  }

  /**
   * Removes {@code key}.
   *
   * @throws IllegalArgumentException if the key breaks {@link Limits}
   */
  record Delete(String key, Optional<Long> expected, long token, Optional<RequestId> request) implements Command {
    public Delete {
      Limits.checkKey(key);
      Limits.checkExpected(expected);
      Objects.requireNonNull(request, "request");
    }
  }
}
