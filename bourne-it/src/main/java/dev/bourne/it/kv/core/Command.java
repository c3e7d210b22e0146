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
   * A fingerprint of what the command does (not of its token): a retry carries the same one, a
   * different command under the same request id (almost surely) not. Stable across versions and
   * replicas: Murmur3 over the encoded operation, key, expected version and value.
   */
  default long fingerprint() {
    return CommandCodec.fingerprint(this);
  }

  /**
   * Checks the {@link Limits}: done where a command enters the system, never when a replica
   * applies one from the log (a later version with other limits must apply old entries alike).
   *
   * @throws IllegalArgumentException if the key, value or expected version breaks them
   */
  static void validate(String key, byte[] value, Optional<Long> expected) {
    Limits.checkKey(key);
    if (value != null) {
      Limits.checkValue(value);
    }
    Limits.checkExpected(expected);
  }

  /**
   * Sets {@code key} to {@code value}. Construction checks only that nothing is null: see {@link
   * #validate}.
   */
  record Put(String key, byte[] value, Optional<Long> expected, long token, Optional<RequestId> request)
      implements Command {
    public Put {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(request, "request");
    }
  }

  /** Removes {@code key}. Construction checks only that nothing is null: see {@link #validate}. */
  record Delete(String key, Optional<Long> expected, long token, Optional<RequestId> request) implements Command {
    public Delete {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(request, "request");
    }
  }
}
