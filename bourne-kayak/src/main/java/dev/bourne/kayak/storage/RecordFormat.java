package dev.bourne.kayak.storage;

import dev.bourne.kayak.api.AppendId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk form of one log entry:
 *
 * <pre>
 *   int   bodyLength   (17 + payload length)
 *   int   crc32c       over the bodyLength field and the body
 *   long  index        } body
 *   long  term         }
 *   byte  kind         }  kind code; bit 0x80 set: the append id follows
 *   long  session      }  } the append id, STD entries created by an append only
 *   long  seq          }  }
 *   long  settled      }  }
 *   bytes payload      }
 * </pre>
 *
 * Big-endian. The checksum covers the length so that a flipped length bit is caught rather than
 * read as a shorter or longer record. Stateless apart from a per-instance checksum, so one instance
 * per thread.
 */
final class RecordFormat {
  /** Length and checksum. */
  static final int FRAME = 8;
  /** Index, term and kind. */
  static final int FIXED_BODY = 17;
  /** Bytes a record takes besides its payload (and its append id, if it has one). */
  static final int OVERHEAD = FRAME + FIXED_BODY;
  /** The append id: session, seq and settled. */
  static final int ID_BYTES = 24;
  private static final int HAS_ID = 0x80;

  private final CRC32C crc = new CRC32C();

  static int recordSize(Entry entry) {
    return OVERHEAD + idBytes(entry) + entry.payload().length;
  }

  private static int idBytes(Entry entry) {
    return entry.id().isNone() ? 0 : ID_BYTES;
  }

  static byte kindCode(EntryKind kind) {
    return switch (kind) {
      case STD -> 1;
      case NOOP -> 2;
      case CONFIG -> 3;
    };
  }

  /** The kind for a code (the id flag aside), or null if the code is unknown. */
  static EntryKind kindOf(byte code) {
    return switch (code & 0x7f) {
      case 1 -> EntryKind.STD;
      case 2 -> EntryKind.NOOP;
      case 3 -> EntryKind.CONFIG;
      default -> null;
    };
  }

  /** Writes the record at the buffer's position and advances it. */
  void encode(Entry entry, ByteBuffer buf) {
    int start = buf.position();
    byte[] payload = entry.payload();
    int body = FIXED_BODY + idBytes(entry) + payload.length;
    buf.putInt(body);
    buf.putInt(0);
    buf.putLong(entry.index());
    buf.putLong(entry.term());
    AppendId id = entry.id();
    if (id.isNone()) {
      buf.put(kindCode(entry.kind()));
    } else {
      buf.put((byte) (kindCode(entry.kind()) | HAS_ID));
      buf.putLong(id.session()).putLong(id.seq()).putLong(id.settled());
    }
    buf.put(payload);
    buf.putInt(start + 4, checksum(buf, start, FRAME + body));
  }

  /** The checksum of the record of {@code recordLength} bytes at {@code start}. */
  int checksum(ByteBuffer buf, int start, int recordLength) {
    crc.reset();
    crc.update(buf.duplicate().limit(start + 4).position(start));
    crc.update(buf.duplicate().limit(start + recordLength).position(start + FRAME));
    return (int) crc.getValue();
  }

  /**
   * Checks the record at {@code pos}, which must be entry {@code expectedIndex} with a term of at
   * least {@code minTerm}.
   *
   * @return null if valid, else why not (for the error message)
   */
  String check(ByteBuffer buf, int pos, int limit, long expectedIndex, long minTerm) {
    if (limit - pos < FRAME) {
      return "truncated record header";
    }
    int bodyLength = buf.getInt(pos);
    if (bodyLength < FIXED_BODY || bodyLength > limit - pos - FRAME) {
      return bodyLength < FIXED_BODY ? "invalid record length " + bodyLength : "truncated record (length " + bodyLength + ")";
    }
    if (checksum(buf, pos, FRAME + bodyLength) != buf.getInt(pos + 4)) {
      return "checksum mismatch";
    }
    long index = buf.getLong(pos + FRAME);
    if (index != expectedIndex) {
      return "index " + index + " where " + expectedIndex + " was expected";
    }
    long term = buf.getLong(pos + FRAME + 8);
    if (term < Math.max(1, minTerm)) {
      return "term " + term + " below the previous term " + minTerm;
    }
    byte code = buf.get(pos + FRAME + 16);
    if (kindOf(code) == null) {
      return "unknown entry kind " + code;
    }
    if ((code & HAS_ID) != 0) {
      if (bodyLength < FIXED_BODY + ID_BYTES) {
        return "record too short for its append id";
      }
      try {
        readId(buf, pos);
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }
    return null;
  }

  /** The length of the record at {@code pos}, which {@link #check} accepted. */
  static int recordLength(ByteBuffer buf, int pos) {
    return FRAME + buf.getInt(pos);
  }

  /** The term of the record at {@code pos}, which {@link #check} accepted. */
  static long termOf(ByteBuffer buf, int pos) {
    return buf.getLong(pos + FRAME + 8);
  }

  /** Decodes the record at {@code pos}, which {@link #check} accepted. */
  static Entry decode(ByteBuffer buf, int pos) {
    int bodyLength = buf.getInt(pos);
    long index = buf.getLong(pos + FRAME);
    long term = buf.getLong(pos + FRAME + 8);
    byte code = buf.get(pos + FRAME + 16);
    EntryKind kind = kindOf(code);
    AppendId id = (code & HAS_ID) != 0 ? readId(buf, pos) : AppendId.NONE;
    int idLength = id.isNone() ? 0 : ID_BYTES;
    byte[] payload = new byte[bodyLength - FIXED_BODY - idLength];
    buf.get(pos + OVERHEAD + idLength, payload);
    return new Entry(index, term, kind, payload, id);
  }

  private static AppendId readId(ByteBuffer buf, int pos) {
    int at = pos + OVERHEAD;
    return new AppendId(buf.getLong(at), buf.getLong(at + 8), buf.getLong(at + 16));
  }
}
