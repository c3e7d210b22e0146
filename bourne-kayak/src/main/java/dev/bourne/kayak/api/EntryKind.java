package dev.bourne.kayak.api;

/** What a log entry holds. */
public enum EntryKind {
  /** An application event appended through {@code Log.append}. */
  STD,
  /** An empty entry a new leader appends to commit entries of earlier terms. */
  NOOP,
  /** A cluster configuration (the full member list); takes effect when appended. */
  CONFIG
}
