package dev.bourne.kayak.core;

import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.core.Message.AppendRequest;
import dev.bourne.kayak.core.Message.AppendResponse;
import dev.bourne.kayak.core.Message.VoteRequest;

/**
 * Sanity checks on messages from the network: a malformed message is dropped and counted, never
 * acted on, so that a corrupt or hostile peer cannot corrupt the log. Stateless.
 */
final class MessageChecks {
  private MessageChecks() {}

  /** True if the message's numbers are plausible and its entries contiguous after prevIndex. */
  static boolean wellFormed(Message m) {
    if (m.term() < 0) {
      return false;
    }
    return switch (m.kind()) {
      case APPEND_REQUEST -> {
        AppendRequest r = (AppendRequest) m;
        if (r.prevIndex() < 0 || r.prevTerm() < 0 || r.commitIndex() < 0) {
          yield false;
        }
        long i = r.prevIndex();
        for (Entry e : r.entries()) {
          if (e.index() != ++i || e.term() > r.term()) {
            yield false;
          }
        }
        yield true;
      }
      case APPEND_RESPONSE -> {
        AppendResponse r = (AppendResponse) m;
        yield r.index() >= 0 && r.hintIndex() >= 0 && r.hintTerm() >= 0;
      }
      case VOTE_REQUEST -> {
        VoteRequest r = (VoteRequest) m;
        yield r.lastIndex() >= 0 && r.lastTerm() >= 0;
      }
      case VOTE_RESPONSE, HEARTBEAT, HEARTBEAT_RESPONSE, TIMEOUT_NOW -> true;
    };
  }
}
