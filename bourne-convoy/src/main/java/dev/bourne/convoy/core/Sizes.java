package dev.bourne.convoy.core;

import java.nio.charset.StandardCharsets;

/** Conservative estimates of encoded sizes, so the core can fill a packet without encoding it. */
final class Sizes {
  /** Bytes an item costs beyond its key and value (ids, versions, tags). */
  static final int ITEM_OVERHEAD = 64;
  /** Bytes a membership update costs (id, address, incarnation, tags). */
  static final int MEMBER_UPDATE = 96;
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
