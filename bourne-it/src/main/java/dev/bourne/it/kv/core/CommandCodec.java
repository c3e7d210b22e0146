package dev.bourne.it.kv.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * The bytes of commands (log entries) and of snapshot records. Each starts with a format byte so
 * that a later version can read what an earlier one wrote; a payload that is not of a known form
 * fails with {@link IllegalArgumentException}, never with a half-read value.
 */
public final class CommandCodec {
  private static final byte FORMAT = 1;
  private static final byte PUT = 1;
  private static final byte DELETE = 2;
  private static final byte HEADER = 10;
  private static final byte KEY = 11;
  private static final byte SESSION = 12;

  private CommandCodec() {}

  /** The log entry of a command. */
  public static byte[] encode(Command command) {
    return write(out -> {
      out.writeByte(FORMAT);
      out.writeByte(command instanceof Command.Put ? PUT : DELETE);
      out.writeLong(command.token());
      writeString(out, command.key());
      writeOptionalLong(out, command.expected());
      out.writeBoolean(command.request().isPresent());
      if (command.request().isPresent()) {
        writeString(out, command.request().get().client());
        out.writeLong(command.request().get().seq());
      }
      if (command instanceof Command.Put put) {
        writeBytes(out, put.value());
      }
    });
  }

  /**
   * Reads a log entry.
   *
   * @throws IllegalArgumentException if it is not a command of a known format
   */
  public static Command decode(byte[] payload) {
    return read(payload, in -> {
      checkFormat(in);
      byte op = in.readByte();
      long token = in.readLong();
      String key = readString(in);
      Optional<Long> expected = readOptionalLong(in);
      Optional<RequestId> request = in.readBoolean() ? Optional.of(new RequestId(readString(in), in.readLong()))
          : Optional.empty();
      return switch (op) {
        case PUT -> new Command.Put(key, readBytes(in), expected, token, request);
        case DELETE -> new Command.Delete(key, expected, token, request);
        default -> throw new IllegalArgumentException("unknown command " + op);
      };
    });
  }

  /** See {@link Command#fingerprint()}. */
  static long fingerprint(Command c) {
    byte[] what = write(out -> {
      out.writeByte(c instanceof Command.Put ? PUT : DELETE);
      writeString(out, c.key());
      writeOptionalLong(out, c.expected());
      if (c instanceof Command.Put put) {
        writeBytes(out, put.value());
      }
    });
    return com.google.common.hash.Hashing.murmur3_128().hashBytes(what).asLong();
  }

  static byte[] header(long applied, int keys, int sessions) {
    return write(out -> {
      out.writeByte(FORMAT);
      out.writeByte(HEADER);
      out.writeLong(applied);
      out.writeInt(keys);
      out.writeInt(sessions);
    });
  }

  static byte[] keyRecord(String key, Versioned value) {
    return write(out -> {
      out.writeByte(FORMAT);
      out.writeByte(KEY);
      writeString(out, key);
      out.writeLong(value.version());
      writeBytes(out, value.value());
    });
  }

  static byte[] sessionRecord(String client, Sessions.Session session) {
    return write(out -> {
      out.writeByte(FORMAT);
      out.writeByte(SESSION);
      writeString(out, client);
      out.writeLong(session.forgotten);
      out.writeInt(session.recent.size());
      for (Map.Entry<Long, Sessions.Done> e : session.recent.entrySet()) {
        out.writeLong(e.getKey());
        out.writeLong(e.getValue().fingerprint());
        writeOutcome(out, e.getValue().outcome());
      }
    });
  }

  /** Reads snapshot records in order: the header first, then keys and sessions; checks the counts. */
  static void restore(Iterable<byte[]> events, LongConsumer header, BiConsumer<String, Versioned> key,
      BiConsumer<String, Sessions.Session> session) {
    long[] promised = null; // keys, sessions
    long keys = 0;
    long sessions = 0;
    for (byte[] event : events) {
      boolean first = promised == null;
      long[] counts = read(event, in -> {
        checkFormat(in);
        byte kind = in.readByte();
        if (first != (kind == HEADER)) {
          throw new IllegalArgumentException(first ? "snapshot does not start with its header" : "snapshot has two headers");
        }
        switch (kind) {
          case HEADER -> {
            header.accept(in.readLong());
            return new long[] {in.readInt(), in.readInt()};
          }
          case KEY -> {
            String k = readString(in);
            long version = in.readLong();
            key.accept(k, new Versioned(readBytes(in), version));
            return new long[] {1, 0};
          }
          case SESSION -> {
            session.accept(readString(in), readSession(in));
            return new long[] {0, 1};
          }
          default -> throw new IllegalArgumentException("unknown snapshot record " + kind);
        }
      });
      if (first) {
        promised = counts;
      } else {
        keys += counts[0];
        sessions += counts[1];
      }
    }
    if (promised == null) {
      throw new IllegalArgumentException("snapshot is empty (no header)");
    }
    if (keys != promised[0] || sessions != promised[1]) {
      throw new IllegalArgumentException("snapshot is incomplete: its header promises " + promised[0] + " keys and "
          + promised[1] + " sessions, found " + keys + " and " + sessions);
    }
  }

  private static Sessions.Session readSession(DataInputStream in) throws IOException {
    Sessions.Session s = new Sessions.Session();
    s.forgotten = in.readLong();
    int n = in.readInt();
    if (n < 0 || n > Sessions.WINDOW) {
      throw new IllegalArgumentException("session remembers " + n + " requests, more than " + Sessions.WINDOW);
    }
    for (int i = 0; i < n; i++) {
      long seq = in.readLong();
      s.recent.put(seq, new Sessions.Done(in.readLong(), readOutcome(in)));
    }
    return s;
  }

  private static void writeOutcome(DataOutputStream out, Outcome o) throws IOException {
    if (o instanceof Outcome.Written w) {
      out.writeByte(1);
      out.writeLong(w.version());
      out.writeLong(w.previous());
    } else if (o instanceof Outcome.Deleted d) {
      out.writeByte(2);
      out.writeLong(d.version());
      out.writeLong(d.previous());
    } else if (o instanceof Outcome.Conflict c) {
      out.writeByte(3);
      out.writeLong(c.current());
    } else if (o instanceof Outcome.NotFound) {
      out.writeByte(4);
    } else if (o instanceof Outcome.Expired) {
      out.writeByte(5);
    } else if (o instanceof Outcome.Reused) {
      out.writeByte(7);
    } else {
      out.writeByte(6);
      writeString(out, ((Outcome.Rejected) o).reason());
    }
  }

  private static Outcome readOutcome(DataInputStream in) throws IOException {
    byte kind = in.readByte();
    return switch (kind) {
      case 1 -> new Outcome.Written(in.readLong(), in.readLong());
      case 2 -> new Outcome.Deleted(in.readLong(), in.readLong());
      case 3 -> new Outcome.Conflict(in.readLong());
      case 4 -> new Outcome.NotFound();
      case 5 -> new Outcome.Expired();
      case 6 -> new Outcome.Rejected(readString(in));
      case 7 -> new Outcome.Reused();
      default -> throw new IllegalArgumentException("unknown outcome " + kind);
    };
  }

  private static void checkFormat(DataInputStream in) throws IOException {
    byte format = in.readByte();
    if (format != FORMAT) {
      throw new IllegalArgumentException("unknown format " + format);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IllegalArgumentException("length " + n + " runs past the end");
    }
    return in.readNBytes(n);
  }

  private static void writeOptionalLong(DataOutputStream out, Optional<Long> v) throws IOException {
    out.writeBoolean(v.isPresent());
    if (v.isPresent()) {
      out.writeLong(v.get());
    }
  }

  private static Optional<Long> readOptionalLong(DataInputStream in) throws IOException {
    return in.readBoolean() ? Optional.of(in.readLong()) : Optional.empty();
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(Writer w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] payload, Reader<T> r) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      T value = r.read(in);
      if (in.available() > 0) {
        throw new IllegalArgumentException(in.available() + " bytes after the end");
      }
      return value;
    } catch (EOFException e) {
      throw new IllegalArgumentException("truncated");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
