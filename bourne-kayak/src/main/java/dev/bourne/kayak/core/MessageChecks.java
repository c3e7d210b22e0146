package dev.bourne.kayak.core;

import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.core.Message.AppendRequest;
import dev.bourne.kayak.core.Message.AppendResponse;
import dev.bourne.kayak.core.Message.InstallSnapshot;
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
        long lastTerm = r.prevTerm();
        for (Entry e : r.entries()) {
          // Terms never decrease along a log; a CONFIG entry must decode, because it takes effect
          // as soon as it is appended.
          if (e.index() != ++i || e.term() > r.term() || e.term() < lastTerm || !decodable(e)) {
            yield false;
          }
          lastTerm = e.term();
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
      case INSTALL_SNAPSHOT -> {
        InstallSnapshot r = (InstallSnapshot) m;
        yield r.index() >= 1 && r.snapshotTerm() >= 1 && r.snapshotTerm() <= r.term();
      }
    };
  }

  private static boolean decodable(Entry e) {
    if (e.kind() != dev.bourne.kayak.api.EntryKind.CONFIG) {
      return true;
    }
    try {
      MembershipCodec.decode(e.payload());
      return true;
    } catch (IllegalArgumentException malformed) {
      return false;
    }
  }
}
