package dev.bourne.kayak.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.common.time.Cancellable;
import dev.bourne.kayak.Kayak;
import dev.bourne.kayak.api.CompactedException;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.api.Snapshot;
import dev.bourne.kayak.api.SnapshotSource;
import dev.bourne.kayak.api.Subscription;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real members on loopback with fsync under sustained appends for a minute, each compacting
 * automatically from its own application's state: every log on disk stays bounded, and every
 * member ends with the same state (a running sum of all events). Bounded in time and load.
 */
class SustainedCompactionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration LOAD = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final List<KayakHost> hosts = new ArrayList<>();
  private final List<App> apps = new ArrayList<>();

  @AfterEach
  void stopAll() {
    apps.forEach(App::stop);
    hosts.forEach(KayakHost::shutdown);
  }

  private KayakConfig config(String name) {
    return KayakConfig.builder(dir.resolve(name)).bind(new HostPort("127.0.0.1", 0)).tick(Duration.ofMillis(20))
        .segmentBytes(1 << 20).maxEntryBytes(64 << 10).maxBytesPerMessage(256 << 10).snapshotRetainEntries(500)
        .build();
  }

  /** The application: the count and sum of the events applied, on a thread of its own. */
  private static final class App implements SnapshotSource {
    final KayakHost host;
    final AtomicBoolean running = new AtomicBoolean(true);
    final Thread thread;
    long count;
    long sum;
    long applied;
    volatile RuntimeException failure;

    App(KayakHost host) {
      this.host = host;
      this.thread = new Thread(this::run, "app-" + host.id().shortString());
      thread.start();
    }

    private void run() {
      Subscription sub = host.log().listen(1);
      try {
        while (running.get()) {
          List<Entry> got;
          try {
            got = sub.poll(1000, Duration.ofMillis(50));
          } catch (CompactedException e) {
            Snapshot s = host.log().snapshot().orElseThrow();
            try (Stream<byte[]> events = s.events()) {
              byte[] b = events.findFirst().orElseThrow();
              synchronized (this) {
                count = ByteBuffer.wrap(b).getLong(0);
                sum = ByteBuffer.wrap(b).getLong(8);
                applied = s.index();
              }
            }
            sub.close();
            sub = host.log().listen(s.index() + 1);
            continue;
          }
          for (Entry e : got) {
            synchronized (this) {
              if (e.kind() == EntryKind.STD) {
                count++;
                sum += ByteBuffer.wrap(e.payload()).getLong(0);
              }
              applied = e.index();
            }
            host.sync().ack(e.index());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        if (running.get()) {
          failure = e;
        }
      } finally {
        sub.close();
      }
    }

    @Override
    public synchronized Optional<State> capture() {
      if (applied == 0) {
        return Optional.empty();
      }
      byte[] state = ByteBuffer.allocate(16).putLong(count).putLong(sum).array();
      return Optional.of(new State(applied, List.of(state)));
    }

    synchronized long[] now() {
      return new long[] {applied, count, sum};
    }

    void stop() {
      running.set(false);
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void aMinuteOfAppendsWithAutomaticCompactionKeepsEveryLogBounded() throws Exception {
    KayakHost a = Kayak.start(config("a"));
    hosts.add(a);
    Await.until("a leads", WAIT, () -> a.role() == Role.LEADER);
    hosts.add(Kayak.join(config("b"), List.of(a.address())));
    hosts.add(Kayak.join(config("c"), List.of(a.address())));
    Await.until("three voters", WAIT, () -> a.roster().stream().filter(Member::voter).count() == 3);
    List<Cancellable> policies = new ArrayList<>();
    for (KayakHost h : hosts) {
      App app = new App(h);
      apps.add(app);
      policies.add(h.log().compactEvery(2000, app));
    }
    Semaphore inFlight = new Semaphore(64);
    AtomicLong acknowledged = new AtomicLong();
    AtomicLong expectedSum = new AtomicLong();
    long maxLogBytes = 0;
    long end = System.nanoTime() + LOAD.toNanos();
    long nextCheck = 0;
    long value = 0;
    byte[] pad = new byte[1000];
    while (System.nanoTime() < end) {
      if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        continue;
      }
      long v = ++value;
      byte[] event = pad.clone();
      ByteBuffer.wrap(event).putLong(0, v);
      hosts.get((int) (v % hosts.size())).log().append(event).whenComplete((e, error) -> {
        if (error == null) {
          acknowledged.incrementAndGet();
          expectedSum.addAndGet(v);
        }
        inFlight.release();
      });
      if (System.nanoTime() > nextCheck) {
        nextCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (String name : List.of("a", "b", "c")) {
          maxLogBytes = Math.max(maxLogBytes, size(dir.resolve(name).resolve("log")));
        }
      }
    }
    assertTrue(inFlight.tryAcquire(64, 30, TimeUnit.SECONDS), "appends still in flight");
    policies.forEach(Cancellable::cancel);
    long last = hosts.stream().mapToLong(h -> h.log().committed()).max().orElseThrow();
    for (App app : apps) {
      Await.until(app.host.id() + " applied everything", WAIT, () -> app.now()[0] >= last);
      assertEquals(null, app.failure);
    }
    long[] first = apps.get(0).now();
    for (App app : apps) {
      long[] s = app.now();
      assertEquals(first[1], s[1], "the same number of events on " + app.host.id());
      assertEquals(first[2], s[2], "the same sum on " + app.host.id());
    }
    // Every acknowledged append is in the state once (appends that failed may have committed too).
    assertTrue(first[1] >= acknowledged.get(), first[1] + " applied, " + acknowledged.get() + " acknowledged");
    assertTrue(acknowledged.get() > 10_000, "sustained load: " + acknowledged.get() + " appends in " + LOAD);
    long appended = acknowledged.get() * 1000;
    System.out.printf("sustained: %d appends acknowledged in %s, %d applied, largest log on disk %d bytes, snapshots at %s%n",
        acknowledged.get(), LOAD, first[1], maxLogBytes,
        hosts.stream().map(h -> String.valueOf(h.log().snapshot().map(Snapshot::index).orElse(0L))).toList());
    // Compaction is checked about once a second, so a log holds about a second of appends plus the
    // retained tail: far below what was appended (without compaction it would be all of it).
    assertTrue(maxLogBytes < Math.min(64L << 20, Math.max(8L << 20, appended / 8)),
        "log grew to " + maxLogBytes + " bytes for " + appended + " bytes appended");
    for (KayakHost h : hosts) {
      assertTrue(h.log().snapshot().isPresent(), h.id() + " took snapshots");
    }
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
