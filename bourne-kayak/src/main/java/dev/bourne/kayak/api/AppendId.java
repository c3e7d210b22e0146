package dev.bourne.kayak.api;

/**
 * The identity of one appended event, kept across every retry of its append so that a retry of an
 * append that already committed completes with the first entry instead of committing a second copy.
 * Every member that appends draws a random {@code session} when it starts and numbers its events in
 * it; {@code settled} tells every member that all of the session's events below it have finished
 * (committed, or given up by their caller), so that the record of identities stays small.
 *
 * @param session the appending member's session, drawn at its start (never 0 for a real id)
 * @param seq the event's number in the session, from 1
 * @param settled every seq of the session below this one has finished; at most {@code seq}
 */
public record AppendId(long session, long seq, long settled) {
  /** The id of entries that no append created (NOOP, CONFIG). */
  public static final AppendId NONE = new AppendId(0, 0, 0);

  /** @throws IllegalArgumentException if {@code settled > seq}, or a real id has seq below 1 */
  public AppendId {
    if (session != 0 && (seq < 1 || settled > seq || settled < 0)) {
      throw new IllegalArgumentException("invalid append id " + session + "/" + seq + " settled " + settled);
    }
    if (session == 0 && (seq != 0 || settled != 0)) {
      throw new IllegalArgumentException("an id without a session must be NONE");
    }
  }

  /** True for {@link #NONE}. */
  public boolean isNone() {
    return session == 0;
  }

  @Override
  public String toString() {
    return isNone() ? "-" : Long.toHexString(session) + "/" + seq;
  }
}
