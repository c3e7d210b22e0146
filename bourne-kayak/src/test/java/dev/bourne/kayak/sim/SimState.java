package dev.bourne.kayak.sim;

import dev.bourne.kayak.api.AppendId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import java.nio.ByteBuffer;

/** The simulated application's state in a snapshot: each applied entry, exactly. */
final class SimState {
  private SimState() {}

  static byte[] encode(Entry e) {
    ByteBuffer b = ByteBuffer.allocate(8 + 8 + 1 + 24 + 4 + e.payload().length);
    b.putLong(e.index()).putLong(e.term()).put((byte) e.kind().ordinal());
    b.putLong(e.id().session()).putLong(e.id().seq()).putLong(e.id().settled());
    b.putInt(e.payload().length).put(e.payload());
    return b.array();
  }

  static Entry decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long index = b.getLong();
    long term = b.getLong();
    EntryKind kind = EntryKind.values()[b.get()];
    AppendId id = new AppendId(b.getLong(), b.getLong(), b.getLong());
    byte[] payload = new byte[b.getInt()];
    b.get(payload);
    return new Entry(index, term, kind, payload, id);
  }
}
