package dev.bourne.it.kv.core;

/** What applying a {@link Command} did; the same on every replica. */
public sealed interface Outcome {
  /**
   * The key now holds the new value.
   *
   * @param version the key's new version (the log index of the write)
   * @param previous the version it replaced, 0 if the key was absent
   */
  record Written(long version, long previous) implements Outcome {}

  /**
   * The key was removed.
   *
   * @param version the log index of the delete
   * @param previous the version removed
   */
  record Deleted(long version, long previous) implements Outcome {}

  /**
   * The expected version did not match; nothing changed.
   *
   * @param current the key's version, 0 if absent
   */
  record Conflict(long current) implements Outcome {}

  /** A delete of an absent key without an expected version; nothing changed. */
  record NotFound() implements Outcome {}

  /**
   * A retry of a request the session table no longer remembers (more than {@link Sessions#WINDOW}
   * newer requests of its client applied since); nothing changed, and it may have applied before.
   */
  record Expired() implements Outcome {}

  /**
   * The request id was already used for a different write (another key, value or expected
   * version); nothing changed.
   */
  record Reused() implements Outcome {}

  /** An entry that is not a valid command (never written by this code); ignored by every replica. */
  record Rejected(String reason) implements Outcome {}
}
