package dev.bourne.kayak.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bourne.kayak.api.AppendId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile log records for the segment reader's record check and decoder, generated with jqwik:
 * valid records with a byte overwritten, and then (as a buggy or hostile writer would) the checksum
 * made to match again, so the check's later rules are reached too. The check may only answer
 * "invalid" with a reason; a record it accepts must decode, to the entry it encodes.
 */
class RecordFuzzTest {
  private static Entry entry(int kind, int payload, boolean withId) {
    EntryKind k = kind == 0 ? EntryKind.STD : kind == 1 ? EntryKind.NOOP : EntryKind.CONFIG;
    AppendId id = withId && k == EntryKind.STD ? new AppendId(-7, 3, 2) : AppendId.NONE;
    return new Entry(5, 2, k, new byte[payload], id);
  }

  @Provide
  Arbitrary<byte[]> records() {
    return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 64),
        Arbitraries.of(true, false), Arbitraries.integers().between(0, 10_000), Arbitraries.bytes(),
        Arbitraries.of(true, false)).as((kind, payload, withId, where, value, fixCrc) -> {
          RecordFormat f = new RecordFormat();
          Entry e = entry(kind, payload, withId);
          ByteBuffer buf = ByteBuffer.allocate(RecordFormat.recordSize(e));
          f.encode(e, buf);
          byte[] b = buf.array();
          b[where % b.length] = value;
          return fixCrc ? withChecksumFixed(b) : b;
        });
  }

  /** {@code b} with its record checksum made to match its (possibly damaged) content, where the length allows. */
  static byte[] withChecksumFixed(byte[] b) {
    if (b.length >= RecordFormat.FRAME) {
      ByteBuffer w = ByteBuffer.wrap(b);
      int body = w.getInt(0);
      if (body >= 0 && body <= b.length - RecordFormat.FRAME) {
        w.putInt(4, new RecordFormat().checksum(w, 0, RecordFormat.FRAME + body));
      }
    }
    return b;
  }

  /** The oracle: the check refuses with a reason, or the record decodes to the entry it encodes. */
  static void checkOrDecode(byte[] bytes) {
    RecordFormat f = new RecordFormat();
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    String why = f.check(buf, 0, bytes.length, 5, 1);
    if (why == null) {
      Entry e = RecordFormat.decode(buf, 0);
      assertEquals(5, e.index());
      assertEquals(RecordFormat.recordLength(buf, 0), RecordFormat.recordSize(e), "the decoded entry is the record");
    }
  }

  @Property(seed = "20261221")
  void theCheckRefusesOrTheRecordDecodes(@ForAll("records") byte[] bytes) {
    checkOrDecode(bytes);
  }
}
