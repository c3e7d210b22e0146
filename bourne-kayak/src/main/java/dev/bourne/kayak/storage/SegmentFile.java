package dev.bourne.kayak.storage;

import dev.bourne.kayak.api.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One segment file of a {@link SegmentedLog}: a 16-byte header (magic, version, first index)
 * followed by records, plus the in-memory index of where each record starts and its term.
 *
 * <p>Not thread-safe by itself: {@link SegmentedLog} guards the index with its lock; the channel's
 * positional reads are safe alongside the single writer's writes past the published size.
 */
final class SegmentFile {
  static final int MAGIC = 0x4B594B4C; // "KYKL"
  static final int VERSION = 1;
  static final int HEADER_BYTES = 16;
  private static final String SUFFIX = ".log";

  final Path path;
  final long firstIndex;
  final FileChannel channel;
  private int[] offsets;
  private long[] terms;
  private int count;
  private long size;

  SegmentFile(Path path, long firstIndex, FileChannel channel, long size) {
    this.path = path;
    this.firstIndex = firstIndex;
    this.channel = channel;
    this.offsets = new int[64];
    this.terms = new long[64];
    this.size = size;
  }

  /** The file name of the segment starting at {@code firstIndex}: zero-padded, so names sort. */
  static String fileName(long firstIndex) {
    return String.format("%020d%s", firstIndex, SUFFIX);
  }

  /** The first index encoded in a segment's file name, or -1 if it is not a segment name. */
  static long parseFileName(String name) {
    if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Creates a new, empty segment and writes its header (not synced). */
  static SegmentFile create(Path dir, long firstIndex) throws IOException {
    Path path = dir.resolve(fileName(firstIndex));
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      header.putInt(MAGIC).putInt(VERSION).putLong(firstIndex).flip();
      writeFully(channel, header, 0);
      return new SegmentFile(path, firstIndex, channel, HEADER_BYTES);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  static void writeFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      pos += channel.write(buf, pos);
    }
  }

  static void readFully(FileChannel channel, ByteBuffer buf, long position, Path path) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, pos);
      if (n < 0) {
        throw new StorageException(path + ": unexpected end of file at offset " + pos);
      }
      pos += n;
    }
  }

  /** Records one more entry whose record starts at {@code offset}. */
  void add(int offset, long term) {
    if (count == offsets.length) {
      offsets = Arrays.copyOf(offsets, count * 2);
      terms = Arrays.copyOf(terms, count * 2);
    }
    offsets[count] = offset;
    terms[count] = term;
    count++;
  }

  int count() {
    return count;
  }

  /** The last index held; {@code firstIndex - 1} when empty. */
  long lastIndex() {
    return firstIndex + count - 1;
  }

  /** Bytes written so far, header included: where the next record goes. */
  long size() {
    return size;
  }

  void setSize(long size) {
    this.size = size;
  }

  long termAt(long index) {
    return terms[(int) (index - firstIndex)];
  }

  /** Where the record of {@code index} starts; {@code index == lastIndex() + 1} gives the end. */
  long offsetOf(long index) {
    int i = (int) (index - firstIndex);
    return i == count ? size : offsets[i];
  }

  /** Forgets entries from {@code index} on (the caller truncates the file). */
  void dropFrom(long index) {
    int keep = (int) (index - firstIndex);
    size = offsetOf(index);
    count = keep;
  }

  /** Closes the channel, ignoring errors: used when the segment is being discarded anyway. */
  void closeQuietly() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // the file is going away or the log is closing; nothing depends on this close
    }
  }
}
