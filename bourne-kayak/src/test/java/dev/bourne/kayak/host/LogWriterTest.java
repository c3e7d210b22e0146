package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.testing.Await;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.core.Outbound;
import dev.bourne.kayak.storage.SegmentedLog;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's two paths: queued group commit on its thread, and inline writes when it is idle. */
class LogWriterTest {
  private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(20);

  @TempDir Path dir;
  private SegmentedLog log;
  private LogWriter writer;

  private record Report(long seq, long lastIndex, Thread thread) {}

  private final List<Report> reports = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean blockWriterThread;

  private final LogWriter.Listener listener = new LogWriter.Listener() {
    @Override
    public void durable(long seq, long lastIndex, long lastTerm, List<Outbound> toSend) {
      reports.add(new Report(seq, lastIndex, Thread.currentThread()));
      if (blockWriterThread && Thread.currentThread().getName().equals("test-writer")) {
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void failed(RuntimeException error) {
      throw new AssertionError("storage failed", error);
    }
  };

  @AfterEach
  void close() {
    release.countDown();
    if (writer != null) {
      writer.close();
    }
    if (log != null) {
      log.close();
    }
  }

  private static List<Entry> entries(long from, int n) {
    return java.util.stream.LongStream.range(from, from + n)
        .mapToObj(i -> new Entry(i, 1, EntryKind.STD, new byte[] {(byte) i})).toList();
  }

  private void open() {
    log = SegmentedLog.open(dir.resolve("log"));
    writer = new LogWriter(log, listener, dev.bourne.common.exec.Workers.threads().serial("test-writer"));
  }

  @Test
  void inlineWriteIsDurableAndReportedOnTheCallingThread() {
    open();
    assertTrue(writer.idle());
    writer.writeInline(new LogWriter.Batch(1, 0, entries(1, 3), List.of()));
    assertEquals(List.of(new Report(1, 3, Thread.currentThread())), reports);
    assertEquals(3, log.lastIndex());
    assertTrue(writer.idle());
  }

  @Test
  void notIdleUntilAQueuedBatchIsReportedAndInlineWritesRefusedMeanwhile() throws Exception {
    open();
    blockWriterThread = true;
    writer.submit(new LogWriter.Batch(1, 0, entries(1, 2), List.of()));
    Await.until("the first report", WAIT, () -> reports.size() == 1);
    // durable but its report is still running: an inline write now could overtake its messages
    assertFalse(writer.idle());
    assertThrows(IllegalStateException.class,
        () -> writer.writeInline(new LogWriter.Batch(2, 0, entries(3, 1), List.of())));
    release.countDown();
    Await.until("the writer to go idle", WAIT, writer::idle);
    writer.writeInline(new LogWriter.Batch(2, 0, entries(3, 1), List.of()));
    assertEquals(2, reports.size());
    assertEquals(2, reports.get(1).seq());
    assertEquals(3, reports.get(1).lastIndex());
    assertSame(Thread.currentThread(), reports.get(1).thread());
    assertEquals(3, log.lastIndex());
  }

  @Test
  void queuedBatchesAfterAnInlineOneKeepTheirOrder() throws Exception {
    open();
    writer.writeInline(new LogWriter.Batch(1, 0, entries(1, 2), List.of()));
    writer.submit(new LogWriter.Batch(2, 0, entries(3, 2), List.of()));
    writer.submit(new LogWriter.Batch(3, 4, List.of(new Entry(4, 2, EntryKind.STD, new byte[] {44})), List.of()));
    Await.until("the writer to go idle", WAIT, writer::idle);
    assertEquals(3, reports.get(reports.size() - 1).seq());
    assertEquals(4, log.lastIndex());
    assertEquals(2, log.termAt(4));
    assertEquals(1, log.termAt(3));
  }
}
