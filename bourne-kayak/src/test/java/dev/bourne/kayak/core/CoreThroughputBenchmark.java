package dev.bourne.kayak.core;

import java.util.ArrayList;
import java.util.List;

/**
 * How fast the pure core alone replicates: three cores in one thread, in-memory storage synced at
 * once, instant delivery, 128-byte entries proposed in batches. Not a test; run it with
 * {@code java -cp ... dev.bourne.kayak.core.CoreThroughputBenchmark}. It bounds what the core
 * costs per entry; real hosts are limited by fsync and the network.
 */
public final class CoreThroughputBenchmark {
  private CoreThroughputBenchmark() {}

  /** Runs the benchmark; prints entries per second for several batch sizes. */
  public static void main(String[] args) {
    for (int batch : new int[] {1, 16, 64, 256}) {
      run(batch, 2); // warm-up
      run(batch, 5);
    }
  }

  private static void run(int batch, int seconds) {
    TestCluster c = TestCluster.ofVoters(3, RaftConfig.defaults());
    c.recordTrace = false;
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      payloads.add(new byte[128]);
    }
    long entries = 0;
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 100; i++) {
        c.core(1).propose(payloads);
        c.m(1).process();
        c.deliver();
        entries += batch;
      }
      for (TestCluster.Member m : c.members.values()) {
        m.applied.clear();
        m.appliedEver.clear();
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    System.out.printf("batch %4d: %,.0f entries/s committed on 3 cores (commit index %d)%n", batch, entries / secs,
        c.core(1).commitIndex());
  }
}
