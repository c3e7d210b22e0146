package dev.bourne.kayak.bench;

import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.storage.SegmentedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The physical limit for Kayak's benchmark: fsynced appends of 128-byte records on this disk, with
 * batch sizes 1..1024 (one fsync per batch), both as raw {@link FileChannel} writes and through
 * {@link SegmentedLog}. Each measurement runs for a fixed time and stops by itself.
 *
 * <p>Run: {@code bin/run bourne-kayak dev.bourne.kayak.bench.FsyncBaseline} (system properties through
 * {@code JAVA_OPTS}). Options
 * (system properties): {@code bench.dir} (default: a temporary directory under the working
 * directory, deleted afterwards), {@code bench.seconds} per measurement (default 3).
 */
public final class FsyncBaseline {
  /** Record size used throughout, as in the benchmark. */
  public static final int RECORD_BYTES = 128;
  private static final int[] BATCHES = {1, 4, 16, 64, 256, 1024};

  /** One measurement. */
  public record Result(String what, int batch, long records, double seconds) {
    /** Records made durable per second. */
    public double recordsPerSecond() {
      return records / seconds;
    }

    /** Fsyncs per second. */
    public double syncsPerSecond() {
      return records / (double) batch / seconds;
    }
  }

  private FsyncBaseline() {}

  /** Runs the baseline and prints a Markdown table. */
  public static void main(String[] args) throws IOException {
    double seconds = Double.parseDouble(System.getProperty("bench.seconds", "3"));
    Path dir = benchDir();
    try {
      List<Result> results = run(dir, seconds);
      System.out.println(table(results));
    } finally {
      deleteTree(dir);
    }
  }

  /** A scratch directory on the disk under test (the working directory's, not /tmp). */
  public static Path benchDir() throws IOException {
    String configured = System.getProperty("bench.dir");
    Path base = configured == null ? Path.of("target") : Path.of(configured);
    Files.createDirectories(base);
    return Files.createTempDirectory(base.toAbsolutePath(), "kayak-bench-");
  }

  /** Measures raw and SegmentedLog appends for every batch size. */
  public static List<Result> run(Path dir, double seconds) throws IOException {
    List<Result> results = new ArrayList<>();
    Files.createDirectories(dir);
    rawFile(dir.resolve("warmup.raw"), 16, Math.min(1.0, seconds));
    for (int batch : BATCHES) {
      results.add(rawFile(dir.resolve("raw-" + batch), batch, seconds));
    }
    for (int batch : BATCHES) {
      results.add(segmentedLog(dir.resolve("log-" + batch), batch, seconds));
    }
    return results;
  }

  /** Appends {@code batch} records with one write, then one fdatasync, for {@code seconds}. */
  public static Result rawFile(Path file, int batch, double seconds) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(RECORD_BYTES * batch);
    for (int i = 0; i < buf.capacity(); i++) {
      buf.put(i, (byte) i);
    }
    long records = 0;
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      while (System.nanoTime() < deadline) {
        buf.clear();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(false);
        records += batch;
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    Files.deleteIfExists(file);
    return new Result("raw FileChannel", batch, records, elapsed);
  }

  /** Appends {@code batch} entries, then {@code sync()}, for {@code seconds}. */
  public static Result segmentedLog(Path dir, int batch, double seconds) {
    byte[] payload = new byte[RECORD_BYTES];
    long records = 0;
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    try (SegmentedLog log = SegmentedLog.open(dir)) {
      long next = 1;
      List<Entry> entries = new ArrayList<>(batch);
      while (System.nanoTime() < deadline) {
        entries.clear();
        for (int i = 0; i < batch; i++) {
          entries.add(new Entry(next++, 1, EntryKind.STD, payload));
        }
        log.append(entries);
        log.sync();
        records += batch;
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    deleteTree(dir);
    return new Result("SegmentedLog", batch, records, elapsed);
  }

  /** The results as a Markdown table. */
  public static String table(List<Result> results) {
    StringBuilder sb = new StringBuilder();
    sb.append("| path | batch | records/s | fsyncs/s |\n|---|---:|---:|---:|\n");
    for (Result r : results) {
      sb.append(String.format("| %s | %d | %,.0f | %,.0f |%n", r.what(), r.batch(), r.recordsPerSecond(),
          r.syncsPerSecond()));
    }
    return sb.toString();
  }

  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
