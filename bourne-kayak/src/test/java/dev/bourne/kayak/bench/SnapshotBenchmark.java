package dev.bourne.kayak.bench;

import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.Kayak;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.api.Subscription;
import dev.bourne.net.Transport;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Catch-up of a new member by snapshot: a leader (with one follower) holds an application state of
 * 100 MB or 1 GB, compacts, and a third member joins; the table gives the seconds until it
 * installed the snapshot and the MB/s, next to the physical limits measured in the same run
 * (reading the snapshot file; sending the same bytes over one loopback connection in 1 MiB calls,
 * four in flight; writing and fsyncing them), and the leader's append throughput (64 in flight,
 * 128-byte entries) while the install runs against the same measurement with none running.
 *
 * <p>Run: {@code bin/run bourne-kayak dev.bourne.kayak.bench.SnapshotBenchmark [MB ...]} (default
 * 100 1000). Needs about twice the largest size free in {@code bench.dir} (default target/).
 */
public final class SnapshotBenchmark {
  private static final int EVENT_BYTES = 64 << 10;

  private SnapshotBenchmark() {}

  /** One measured size. */
  record Row(int mb, double installSeconds, double installMbps, double readMbps, double sendMbps, double writeMbps,
      double appendsIdle, double appendsDuring) {}

  /** Runs the benchmark and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String a : args) {
      sizes.add(Integer.parseInt(a));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(100, 1000);
    }
    List<Row> rows = new ArrayList<>();
    for (int mb : sizes) {
      rows.add(measure(mb));
    }
    System.out.println();
    System.out.println("| state | install s | install MB/s | read file MB/s | loopback send MB/s | write+fsync MB/s "
        + "| appends/s, no install | appends/s, during install |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Row r : rows) {
      System.out.printf("| %d MB | %.1f | %.0f | %.0f | %.0f | %.0f | %,.0f | %,.0f |%n", r.mb(), r.installSeconds(),
          r.installMbps(), r.readMbps(), r.sendMbps(), r.writeMbps(), r.appendsIdle(), r.appendsDuring());
    }
  }

  private static KayakConfig config(Path data) {
    return KayakConfig.builder(data).bind(new HostPort("127.0.0.1", 0)).maxEntryBytes(EVENT_BYTES)
        .snapshotRetainEntries(0).joinTimeout(Duration.ofMinutes(10)).build();
  }

  /** The application state: {@code mb} MB of 64 KiB events, generated as they are read. */
  private static Iterable<byte[]> state(int mb) {
    long count = (long) mb * (1 << 20) / EVENT_BYTES;
    return () -> new Iterator<>() {
      long i;

      @Override
      public boolean hasNext() {
        return i < count;
      }

      @Override
      public byte[] next() {
        byte[] e = new byte[EVENT_BYTES];
        ByteBuffer.wrap(e).putLong(i++);
        return e;
      }
    };
  }

  private static Row measure(int mb) throws Exception {
    Path dir = FsyncBaseline.benchDir();
    List<KayakHost> hosts = new ArrayList<>();
    try {
      KayakHost leader = Kayak.start(config(dir.resolve("a")));
      hosts.add(leader);
      await(() -> leader.role() == Role.LEADER, 60);
      hosts.add(Kayak.join(config(dir.resolve("b")), List.of(leader.address())));
      long last = 0;
      for (int i = 0; i < 100; i++) {
        last = leader.log().append(new byte[128]).get(30, TimeUnit.SECONDS).index();
      }
      try (Subscription s = leader.log().listen(1)) {
        while (s.position() <= last) {
          for (Entry e : s.poll(1000, Duration.ofSeconds(1))) {
            leader.sync().ack(e.index());
          }
        }
      }
      System.out.printf("%d MB: writing the snapshot%n", mb);
      leader.log().compact(last, state(mb)).get(30, TimeUnit.MINUTES);
      Path snapshotFile;
      try (Stream<Path> files = Files.list(dir.resolve("a").resolve("snapshots"))) {
        snapshotFile = files.filter(p -> p.toString().endsWith(".snap")).findFirst().orElseThrow();
      }
      double readMbps = readFile(snapshotFile);
      double sendMbps = sendOverLoopback(Files.size(snapshotFile));
      double writeMbps = writeAndSync(dir.resolve("write.raw"), Files.size(snapshotFile));
      double idle = appends(leader, 5, null);

      System.out.printf("%d MB: a new member joins%n", mb);
      long started = System.nanoTime();
      long snapshotIndex = last;
      AtomicBoolean installing = new AtomicBoolean(true);
      CompletableFuture<KayakHost> joining = CompletableFuture.supplyAsync(
          () -> Kayak.join(config(dir.resolve("c")), List.of(leader.address())));
      double[] installSeconds = {0};
      CompletableFuture<Void> watch = joining.thenAccept(c -> {
        hosts.add(c);
        await(() -> c.log().snapshot().map(s -> s.index() >= snapshotIndex).orElse(false), 600);
        installSeconds[0] = (System.nanoTime() - started) / 1e9;
        installing.set(false);
      });
      double during = appends(leader, 600, installing);
      watch.get(10, TimeUnit.MINUTES);
      double seconds = installSeconds[0];
      long bytes = Files.size(snapshotFile);
      return new Row(mb, seconds, bytes / 1e6 / seconds, readMbps, sendMbps, writeMbps, idle, during);
    } finally {
      hosts.forEach(KayakHost::shutdown);
      deleteAll(dir);
    }
  }

  /** Appends/s with 64 in flight for {@code seconds}, or while {@code until} holds. */
  private static double appends(KayakHost leader, double seconds, AtomicBoolean until) throws InterruptedException {
    Semaphore permits = new Semaphore(64);
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long[] done = {0};
    while (System.nanoTime() < end && (until == null || until.get())) {
      if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        continue;
      }
      leader.log().append(new byte[128]).whenComplete((e, error) -> {
        if (error == null) {
          synchronized (done) {
            done[0]++;
          }
        }
        permits.release();
      });
    }
    permits.tryAcquire(64, 30, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    synchronized (done) {
      return done[0] / elapsed;
    }
  }

  private static double readFile(Path file) throws IOException {
    long start = System.nanoTime();
    long total = 0;
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buf.clear()) > 0) {
        total += buf.position();
      }
    }
    return total / 1e6 / ((System.nanoTime() - start) / 1e9);
  }

  /** The same number of bytes in 1 MiB calls over one loopback connection, four in flight. */
  private static double sendOverLoopback(long bytes) throws Exception {
    TransportConfig config = TransportConfig.builder().bind(new HostPort("127.0.0.1", 0)).maxFrameBytes(4 << 20)
        .build();
    try (Transport server = NettyTransport.start(config); Transport client = NettyTransport.start(config)) {
      server.handle("sink", (from, payload) -> CompletableFuture.completedFuture(new byte[8]));
      byte[] chunk = new byte[1 << 20];
      Semaphore window = new Semaphore(4);
      long start = System.nanoTime();
      for (long sent = 0; sent < bytes; sent += chunk.length) {
        window.acquire();
        client.call(server.localAddress(), "sink", chunk, Duration.ofSeconds(30))
            .whenComplete((r, e) -> window.release());
      }
      window.acquire(4);
      return bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static double writeAndSync(Path file, long bytes) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    long start = System.nanoTime();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      for (long written = 0; written < bytes; written += buf.capacity()) {
        buf.clear();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
      ch.force(true);
    }
    double mbps = bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
    Files.delete(file);
    return mbps;
  }

  private static void await(java.util.function.BooleanSupplier condition, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not reached within " + seconds + " s");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
    }
  }

  private static void deleteAll(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
