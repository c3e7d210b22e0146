package dev.bourne.kayak.storage;

import dev.bourne.kayak.core.LogStorage;
import dev.bourne.kayak.api.StorageException;
import dev.bourne.kayak.api.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LogStorage} in append-only segment files in one directory.
 *
 * <p><b>Layout.</b> Segments are named by their first index and rolled at
 * {@link SegmentedLogOptions#segmentBytes()}; each record carries its length, a CRC32C checksum,
 * index, term, kind and payload (see {@code RecordFormat}). The compaction point lives in a small
 * file replaced atomically. A lock file keeps a second process (or a second instance) out.
 *
 * <p><b>Durability.</b> {@link #append} writes to the OS; {@link #sync()} is one {@code fdatasync}
 * of the active segment (plus the directory when files were created), and does nothing when nothing
 * changed since the last sync. A segment is fsynced when it is rolled, so only the last segment can
 * have an unsynced tail. {@link #truncateSuffix} and {@link #compactPrefix} are durable when they
 * return (they are rare, and doing them eagerly keeps recovery simple).
 *
 * <p><b>Recovery.</b> On open every record is verified. A torn or corrupt tail of the last segment
 * is cut back to the last valid record, with a warning; damage anywhere else fails the open with a
 * {@link StorageException} naming the file and offset.
 *
 * <p><b>Threading.</b> One writer thread calls the mutating methods; readers on any thread hold a
 * read lock only while they copy, and the writer holds the write lock only to publish what it has
 * already written, never across a write or an fsync of appended data.
 */
public final class SegmentedLog implements LogStorage {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentedLog.class);
  private static final String LOCK_FILE = "LOCK";
  private static final int WRITE_BUFFER_BYTES = 1 << 20;

  private final Path dir;
  private final SegmentedLogOptions options;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final RecordFormat writeFormat = new RecordFormat();
  private final EntryCache cache;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  /** Ordered by first index; guarded by {@link #lock}. */
  private final List<SegmentFile> segments;
  private ByteBuffer writeBuffer = ByteBuffer.allocateDirect(64 << 10);
  private volatile long snapshotIndex;
  private volatile long snapshotTerm;
  private volatile long lastIndex;
  private boolean dirty;
  private boolean directoryDirty;
  private volatile boolean failed;
  private volatile boolean closed;

  private SegmentedLog(Path dir, SegmentedLogOptions options, FileChannel lockChannel, FileLock fileLock,
      SnapshotMarker.Point point, List<SegmentFile> segments) {
    this.dir = dir;
    this.options = options;
    this.lockChannel = lockChannel;
    this.fileLock = fileLock;
    this.segments = segments;
    this.snapshotIndex = point.index();
    this.snapshotTerm = point.term();
    this.lastIndex = segments.isEmpty() ? point.index() : Math.max(point.index(), last(segments).lastIndex());
    this.cache = new EntryCache(options.cacheEntries(), options.cacheBytes());
    cache.clear(lastIndex + 1);
  }

  /** Opens (creating if needed) the log in {@code dir} with default options. */
  public static SegmentedLog open(Path dir) {
    return open(dir, SegmentedLogOptions.defaults());
  }

  /**
   * Opens the log in {@code dir}, creating the directory if needed, and recovers it: every record
   * is verified, a torn tail is cut off (logged at WARN).
   *
   * @throws StorageException if the directory is in use by another open log, on damage before the
   *     tail (naming file and offset), or on an I/O error
   */
  public static SegmentedLog open(Path dir, SegmentedLogOptions options) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(options, "options");
    FileChannel lockChannel = null;
    List<SegmentFile> segments = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock fileLock = tryLock(lockChannel, dir);
      SnapshotMarker.Point point = SnapshotMarker.load(dir);
      recover(dir, point, segments);
      SegmentedLog log = new SegmentedLog(dir, options, lockChannel, fileLock, point, segments);
      LOG.debug("opened log {}: snapshot {}@{}, entries up to {}, {} segments",
          dir, point.index(), point.term(), log.lastIndex, segments.size());
      return log;
    } catch (IOException e) {
      closeAll(segments, lockChannel);
      throw new StorageException(dir + ": cannot open log: " + e, e);
    } catch (RuntimeException e) {
      closeAll(segments, lockChannel);
      throw e;
    }
  }

  private static FileLock tryLock(FileChannel channel, Path dir) throws IOException {
    FileLock fileLock;
    try {
      fileLock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      fileLock = null;
    }
    if (fileLock == null) {
      throw new StorageException(dir + ": log directory is already open elsewhere");
    }
    return fileLock;
  }

  private static void recover(Path dir, SnapshotMarker.Point point, List<SegmentFile> out) throws IOException {
    TreeMap<Long, Path> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.forEach(p -> {
        long first = SegmentFile.parseFileName(p.getFileName().toString());
        if (first >= 1) {
          files.put(first, p);
        }
      });
    }
    // Segments wholly below the compaction point may outlive a crash during compaction.
    while (files.size() > 1 && files.higherKey(files.firstKey()) <= point.index() + 1) {
      Files.delete(files.pollFirstEntry().getValue());
    }
    SegmentRecovery recovery = new SegmentRecovery();
    long term = 0;
    while (!files.isEmpty()) {
      var next = files.pollFirstEntry();
      SegmentFile segment = recovery.open(next.getValue(), next.getKey(), files.isEmpty(), term);
      if (segment == null) {
        break;
      }
      if (!out.isEmpty() && segment.firstIndex != last(out).lastIndex() + 1) {
        segment.closeQuietly();
        throw new StorageException(segment.path + ": starts at index " + segment.firstIndex
            + " but the previous segment ends at " + last(out).lastIndex());
      }
      out.add(segment);
      if (segment.count() > 0) {
        term = segment.termAt(segment.lastIndex());
      }
    }
    checkAgainstSnapshot(dir, point, out);
  }

  private static void checkAgainstSnapshot(Path dir, SnapshotMarker.Point point, List<SegmentFile> segments)
      throws IOException {
    if (segments.isEmpty()) {
      return;
    }
    SegmentFile first = segments.get(0);
    if (first.firstIndex > point.index() + 1) {
      throw new StorageException(first.path + ": log starts at index " + first.firstIndex
          + " but the compaction point is " + point.index() + ": entries in between are missing");
    }
    if (segments.size() == 1 && first.lastIndex() <= point.index()) {
      // Everything left is compacted (a crash during compactPrefix past the end): start afresh.
      first.closeQuietly();
      Files.delete(first.path);
      segments.clear();
    } else if (first.lastIndex() >= point.index() && point.index() >= first.firstIndex
        && first.termAt(point.index()) != point.term()) {
      throw new StorageException(first.path + ": entry " + point.index() + " has term "
          + first.termAt(point.index()) + " but the compaction point says " + point.term());
    }
  }

  private static SegmentFile last(List<SegmentFile> segments) {
    return segments.get(segments.size() - 1);
  }

  private static void closeAll(List<SegmentFile> segments, FileChannel lockChannel) {
    segments.forEach(SegmentFile::closeQuietly);
    if (lockChannel != null) {
      try {
        lockChannel.close();
      } catch (IOException ignored) {
        // already failing; the original error is what matters
      }
    }
  }

  /** The directory this log lives in. */
  public Path directory() {
    return dir;
  }

  @Override
  public long firstIndex() {
    return snapshotIndex + 1;
  }

  @Override
  public long lastIndex() {
    return lastIndex;
  }

  @Override
  public long snapshotIndex() {
    return snapshotIndex;
  }

  @Override
  public long snapshotTerm() {
    return snapshotTerm;
  }

  @Override
  public long termAt(long index) {
    lock.readLock().lock();
    try {
      if (index == snapshotIndex) {
        return snapshotTerm;
      }
      checkRange(index, index);
      return segmentFor(index).termAt(index);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<Entry> read(long from, long toInclusive, long maxBytes) {
    lock.readLock().lock();
    try {
      checkOpen();
      if (from > toInclusive) {
        return List.of();
      }
      checkRange(from, toInclusive);
      List<Entry> out = new ArrayList<>((int) Math.min(toInclusive - from + 1, 1024));
      long budget = maxBytes;
      long index = from;
      long cachedFrom = cache.first();
      while (index <= toInclusive && (out.isEmpty() || budget > 0)) {
        if (index >= cachedFrom) {
          Entry e = cache.get(index);
          out.add(e);
          budget -= e.payload().length;
          index++;
        } else {
          long runEnd = Math.min(toInclusive, cachedFrom - 1);
          int before = out.size();
          readFromDisk(index, runEnd, budget, out);
          for (int i = before; i < out.size(); i++) {
            budget -= out.get(i).payload().length;
          }
          index += out.size() - before;
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Reads at least one entry of {@code [from, to]} from one segment, within the byte budget. */
  private void readFromDisk(long from, long to, long budget, List<Entry> out) {
    SegmentFile segment = segmentFor(from);
    long end = Math.min(to, segment.lastIndex());
    long start = segment.offsetOf(from);
    long stop = segment.offsetOf(from + 1);
    long payload = stop - start - RecordFormat.OVERHEAD;
    long last = from;
    while (last < end && payload < budget && stop - start < WRITE_BUFFER_BYTES) {
      long next = segment.offsetOf(last + 2);
      payload += next - stop - RecordFormat.OVERHEAD;
      stop = next;
      last++;
    }
    ByteBuffer buf = ByteBuffer.allocate((int) (stop - start));
    RecordFormat format = new RecordFormat();
    try {
      SegmentFile.readFully(segment.channel, buf, start, segment.path);
    } catch (IOException e) {
      throw new StorageException(segment.path + ": read failed at offset " + start + ": " + e, e);
    }
    int pos = 0;
    for (long index = from; index <= last; index++) {
      String problem = format.check(buf, pos, buf.limit(), index, 0);
      if (problem != null) {
        throw new StorageException(segment.path + ": " + problem + " at offset " + (start + pos));
      }
      out.add(RecordFormat.decode(buf, pos));
      pos += RecordFormat.recordLength(buf, pos);
    }
  }

  private SegmentFile segmentFor(long index) {
    int lo = 0;
    int hi = segments.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (segments.get(mid).firstIndex <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return segments.get(lo);
  }

  private void checkRange(long from, long to) {
    if (from <= snapshotIndex || to > lastIndex) {
      throw new IndexOutOfBoundsException("entries " + from + ".." + to + " are outside the log "
          + (snapshotIndex + 1) + ".." + lastIndex);
    }
  }

  @Override
  public void append(List<Entry> entries) {
    checkWritable();
    if (entries.isEmpty()) {
      return;
    }
    validateAppend(entries);
    try {
      int i = 0;
      while (i < entries.size()) {
        SegmentFile segment = segmentForAppend(entries.get(i));
        i = writeChunk(segment, entries, i);
      }
    } catch (IOException e) {
      failed = true;
      throw new StorageException(dir + ": append failed: " + e, e);
    }
  }

  private void validateAppend(List<Entry> entries) {
    long expected = lastIndex + 1;
    long term = lastIndex == 0 ? 0 : termAt(lastIndex);
    for (Entry e : entries) {
      if (e.index() != expected) {
        throw new IllegalArgumentException("append of entry " + e.index() + " where " + expected
            + " was expected: entries must be contiguous with the log");
      }
      if (e.term() < term) {
        throw new IllegalArgumentException("append of entry " + e.index() + " with term " + e.term()
            + " after term " + term + ": terms never decrease along the log");
      }
      if (e.payload().length > options.maxEntryBytes()) {
        throw new IllegalArgumentException("entry " + e.index() + " has " + e.payload().length
            + " bytes of payload, more than maxEntryBytes " + options.maxEntryBytes());
      }
      term = e.term();
      expected++;
    }
  }

  /** The segment the entry goes into: the active one unless it is full or there is none. */
  private SegmentFile segmentForAppend(Entry entry) throws IOException {
    SegmentFile active = segments.isEmpty() ? null : last(segments);
    if (active != null && (active.count() == 0
        || active.size() + RecordFormat.recordSize(entry) <= options.segmentBytes())) {
      return active;
    }
    if (active != null) {
      // A rolled segment is complete on disk, so only the last segment can have a torn tail.
      active.channel.force(false);
    }
    SegmentFile created = SegmentFile.create(dir, entry.index());
    lock.writeLock().lock();
    try {
      segments.add(created);
    } finally {
      lock.writeLock().unlock();
    }
    directoryDirty = true;
    dirty = true;
    return created;
  }

  /** Writes entries from {@code from} while they fit the segment and the buffer; returns the next. */
  private int writeChunk(SegmentFile segment, List<Entry> entries, int from) throws IOException {
    ByteBuffer buf = writeBuffer;
    buf.clear();
    long room = options.segmentBytes() - segment.size();
    int end = from;
    long bytes = 0;
    while (end < entries.size()) {
      int size = RecordFormat.recordSize(entries.get(end));
      if (end > from && (bytes + size > room || bytes + size > Math.max(WRITE_BUFFER_BYTES, buf.capacity()))) {
        break;
      }
      if (buf.remaining() < size) {
        buf = growBuffer(buf, size);
      }
      writeFormat.encode(entries.get(end), buf);
      bytes += size;
      end++;
    }
    buf.flip();
    long position = segment.size();
    SegmentFile.writeFully(segment.channel, buf, position);
    publish(segment, entries, from, end, position);
    dirty = true;
    return end;
  }

  private ByteBuffer growBuffer(ByteBuffer buf, int needed) {
    int capacity = buf.capacity();
    while (capacity - buf.position() < needed) {
      capacity *= 2;
    }
    ByteBuffer bigger = ByteBuffer.allocateDirect(capacity);
    buf.flip();
    bigger.put(buf);
    if (capacity <= WRITE_BUFFER_BYTES) {
      writeBuffer = bigger;
    }
    return bigger;
  }

  private void publish(SegmentFile segment, List<Entry> entries, int from, int end, long position) {
    lock.writeLock().lock();
    try {
      long offset = position;
      for (int i = from; i < end; i++) {
        Entry e = entries.get(i);
        segment.add((int) offset, e.term());
        offset += RecordFormat.recordSize(e);
        cache.add(e);
      }
      segment.setSize(offset);
      lastIndex = entries.get(end - 1).index();
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void truncateSuffix(long fromIndex) {
    checkWritable();
    if (fromIndex <= snapshotIndex) {
      throw new IllegalArgumentException("cannot truncate from " + fromIndex
          + ": entries up to the compaction point " + snapshotIndex + " are committed");
    }
    if (fromIndex > lastIndex) {
      return;
    }
    List<SegmentFile> removed = new ArrayList<>();
    SegmentFile cut = null;
    lock.writeLock().lock();
    try {
      while (!segments.isEmpty() && last(segments).firstIndex >= fromIndex) {
        removed.add(segments.remove(segments.size() - 1));
      }
      if (!segments.isEmpty() && last(segments).lastIndex() >= fromIndex) {
        cut = last(segments);
        cut.dropFrom(fromIndex);
      }
      lastIndex = fromIndex - 1;
      cache.truncateFrom(fromIndex);
    } finally {
      lock.writeLock().unlock();
    }
    try {
      // Later segments go first and durably, so a crash can never leave a gap before them.
      deleteSegments(removed);
      if (cut != null) {
        cut.channel.truncate(cut.size());
        cut.channel.force(false);
      }
    } catch (IOException e) {
      failed = true;
      throw new StorageException(dir + ": truncation from " + fromIndex + " failed: " + e, e);
    }
  }

  private void deleteSegments(List<SegmentFile> removed) throws IOException {
    if (removed.isEmpty()) {
      return;
    }
    for (SegmentFile s : removed) {
      s.closeQuietly();
      Files.deleteIfExists(s.path);
    }
    SnapshotMarker.syncDirectory(dir);
    directoryDirty = false;
  }

  @Override
  public void sync() {
    checkWritable();
    if (!dirty) {
      return;
    }
    try {
      if (!segments.isEmpty()) {
        last(segments).channel.force(false);
      }
      if (directoryDirty) {
        SnapshotMarker.syncDirectory(dir);
        directoryDirty = false;
      }
      dirty = false;
    } catch (IOException e) {
      failed = true;
      throw new StorageException(dir + ": fsync failed: " + e, e);
    }
  }

  @Override
  public void compactPrefix(long upToIndex, long term) {
    checkWritable();
    if (upToIndex < snapshotIndex) {
      throw new IllegalArgumentException("cannot compact to " + upToIndex
          + ": already compacted to " + snapshotIndex);
    }
    if (upToIndex == snapshotIndex) {
      if (term != snapshotTerm) {
        throw new IllegalArgumentException("compaction point " + upToIndex + " has term " + snapshotTerm
            + ", not " + term);
      }
      return;
    }
    if (term < 1 || upToIndex <= lastIndex && termAt(upToIndex) != term) {
      throw new IllegalArgumentException("cannot compact to " + upToIndex + "@" + term
          + ": the log holds that index with term " + (upToIndex <= lastIndex ? termAt(upToIndex) : 0)
          + " (truncate the conflicting suffix first)");
    }
    try {
      sync();
      SnapshotMarker.save(dir, new SnapshotMarker.Point(upToIndex, term));
    } catch (IOException e) {
      failed = true;
      throw new StorageException(dir + ": saving compaction point failed: " + e, e);
    }
    List<SegmentFile> removed = new ArrayList<>();
    lock.writeLock().lock();
    try {
      snapshotIndex = upToIndex;
      snapshotTerm = term;
      boolean all = upToIndex >= lastIndex;
      while (!segments.isEmpty() && (all || segments.size() > 1 && segments.get(1).firstIndex <= upToIndex + 1)) {
        removed.add(segments.remove(0));
      }
      if (all) {
        lastIndex = upToIndex;
        cache.clear(upToIndex + 1);
      } else {
        cache.dropBelow(upToIndex + 1);
      }
    } finally {
      lock.writeLock().unlock();
    }
    try {
      deleteSegments(removed);
    } catch (IOException e) {
      // The point is saved; leftover files are removed on the next open.
      LOG.warn("{}: could not delete compacted segments: {}", dir, e.toString());
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new StorageException(dir + ": log is closed");
    }
  }

  private void checkWritable() {
    checkOpen();
    if (failed) {
      throw new StorageException(dir + ": an earlier write failed; the log must be reopened");
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      segments.forEach(SegmentFile::closeQuietly);
      try {
        fileLock.release();
      } catch (IOException ignored) {
        // closing the channel releases it too
      }
      closeAll(List.of(), lockChannel);
    } finally {
      lock.writeLock().unlock();
    }
  }
}
