package dev.bourne.kayak.host;

import dev.bourne.kayak.api.AppendId;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * This member's append session: every event appended here gets an id (the session, drawn at
 * start, and a sequence number) that stays the same on every retry of its append, and the seq below
 * which all of this session's appends have finished, so that members can forget those ids.
 *
 * <p>Thread-safe: appends come from any thread.
 */
final class AppendSession {
  private final long session;
  private final TreeSet<Long> open = new TreeSet<>();
  private long next = 1;

  /** @param session a random non-zero number, new at every start */
  AppendSession(long session) {
    if (session == 0) {
      throw new IllegalArgumentException("session 0 means no session");
    }
    this.session = session;
  }

  /** Ids for the {@code n} events of one append, which stays open until {@link #finished}. */
  synchronized List<AppendId> open(int n) {
    long first = next;
    next += n;
    long settled = open.isEmpty() ? first : open.first();
    open.add(first);
    List<AppendId> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(new AppendId(session, first + i, settled));
    }
    return ids;
  }

  /** The append with these ids finished (committed, or given up): no retry of it will come. */
  synchronized void finished(List<AppendId> ids) {
    open.remove(ids.get(0).seq());
  }
}
