package dev.bourne.kayak.api;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * An event is larger than the entry limit of the member that refused it ({@code
 * KayakConfig.maxEntryBytes}): the local member's, or the leader's when the leader's limit is lower
 * than the member the event was appended on. Never retried. The size and the limit travel in
 * {@link #detail()}. Code {@code ENTRY_TOO_LARGE}.
 */
public class EntryTooLargeException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** The code of this error. */
  public static final ErrorCode CODE = new ErrorCode("ENTRY_TOO_LARGE");

  private final int size;
  private final int limit;

  /**
   * @param size the event's size in bytes
   * @param limit the largest event the refusing member accepts, in bytes
   * @param where who refused (for the message), for example "the leader 1a2b3c4d"
   */
  public EntryTooLargeException(int size, int limit, String where) {
    super(CODE, "event of " + size + " bytes is larger than the limit of " + where + " (maxEntryBytes=" + limit + ")");
    this.size = size;
    this.limit = limit;
  }

  private EntryTooLargeException(String message, int size, int limit) {
    super(CODE, message);
    this.size = size;
    this.limit = limit;
  }

  /** The refused event's size in bytes. */
  public int size() {
    return size;
  }

  /** The largest event the refusing member accepts, in bytes. */
  public int limit() {
    return limit;
  }

  /** The size and the limit, 4 bytes each. */
  @Override
  public byte[] detail() {
    return ByteBuffer.allocate(8).putInt(size).putInt(limit).array();
  }

  /**
   * Rebuilds the exception from an error with code {@code ENTRY_TOO_LARGE} (typically a {@code
   * RemoteException}).
   *
   * @return empty if the detail is not a size and a limit
   */
  public static Optional<EntryTooLargeException> from(BourneException e) {
    if (e instanceof EntryTooLargeException t) {
      return Optional.of(t);
    }
    byte[] d = e.detail();
    if (d.length != 8) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(d);
    return Optional.of(new EntryTooLargeException(e.getMessage(), b.getInt(), b.getInt()));
  }
}
