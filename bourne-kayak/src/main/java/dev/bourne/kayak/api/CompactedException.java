package dev.bourne.kayak.api;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;

/**
 * A subscription's next entry was compacted into a snapshot: it can no longer be read from the
 * log. Not a gap to skip: reload the application state from {@link Log#snapshot()}, then listen
 * again from the snapshot's index plus one. Code {@code COMPACTED}.
 */
public class CompactedException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** The code of this error. */
  public static final ErrorCode CODE = new ErrorCode("COMPACTED");

  private final long position;
  private final long firstIndex;

  /**
   * @param position the index the subscription wanted next
   * @param firstIndex the first index the log still holds
   */
  public CompactedException(long position, long firstIndex) {
    super(CODE, "entries from " + position + " were compacted into a snapshot; the log starts at " + firstIndex
        + ": reload from Log.snapshot() and listen from its index + 1");
    this.position = position;
    this.firstIndex = firstIndex;
  }

  /** The index the subscription wanted next. */
  public long position() {
    return position;
  }

  /** The first index the log still holds. */
  public long firstIndex() {
    return firstIndex;
  }
}
