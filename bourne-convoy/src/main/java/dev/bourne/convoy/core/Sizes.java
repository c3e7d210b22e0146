package dev.bourne.convoy.core;

import java.nio.charset.StandardCharsets;

/** Conservative estimates of encoded sizes, so the core can fill a packet without encoding it. */
final class Sizes {
  /** Bytes an item costs beyond its key and value (ids, versions, tags). */
  static final int ITEM_OVERHEAD = 64;
  /**
   * Bytes a membership update costs at most on the wire, its address's host aside: three levels of
   * protobuf tags and lengths, a 16-byte id, two counters below 2^48 (7-byte varints), and for an alive
   * update the address's port, colon and brackets (for a suspect or failed one, the accuser's id).
   * A bound, not a guess: a tight one lets twice as many updates ride in each packet as the
   * earlier 96, which is what a burst of joins is limited by. {@code WireCodecTest} checks it.
   */
  static final int MEMBER_UPDATE = 52;
  /** Bytes a message costs beyond its updates (envelope, ids, sequence numbers). */
  static final int MESSAGE_OVERHEAD = 160;

  private Sizes() {}

  static int utf8(String s) {
    // Fast path for ASCII; exact count otherwise.
    int n = s.length();
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        return s.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return n;
  }
}
