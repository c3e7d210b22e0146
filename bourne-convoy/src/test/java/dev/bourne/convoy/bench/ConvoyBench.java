package dev.bourne.convoy.bench;

import dev.bourne.convoy.api.GossipConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Convoy's benchmark: dissemination and failure detection as a function of group size and
 * retransmit factor, in the simulator (N = 8..2048) and with real members on loopback (N = 8, 32,
 * 64). Prints a Markdown table and draws {@code docs/convoy-bench.png} (and the table into
 * {@code docs/convoy-bench.md}). Every run has deadlines, so the command ends by itself.
 *
 * <p>Run: {@code bin/run bourne-convoy dev.bourne.convoy.bench.ConvoyBench} (add {@code quick} for a
 * short run).
 */
public final class ConvoyBench {
  private ConvoyBench() {}

  /** @param args {@code quick} for a short run (smaller sizes) */
  public static void main(String[] args) throws Exception {
    // Members log their start and stop at INFO; keep the output to what the members see.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    boolean quick = args.length > 0 && args[0].equals("quick");
    int[] simSizes = quick ? new int[] {8, 32, 128} : new int[] {8, 32, 128, 512, 2048};
    int[] loopSizes = quick ? new int[] {8} : new int[] {8, 32, 64};
    List<BenchResult> results = new ArrayList<>();
    System.out.println(BenchResult.header());
    for (int n : simSizes) {
      for (int f = 1; f <= 4; f++) {
        BenchResult r = SimBench.run(n, f, 42L * n + f);
        results.add(r);
        System.out.println(r.row());
      }
    }
    for (int n : loopSizes) {
      for (int f = 1; f <= 4; f++) {
        BenchResult r = LoopbackBench.run(n, f);
        results.add(r);
        System.out.println(r.row());
      }
    }
    System.out.println();
    List<String> joinRows = new ArrayList<>();
    System.out.println(JoinBench.header());
    for (int n : simSizes) {
      String row = JoinBench.sim(n, 7L * n);
      joinRows.add(row);
      System.out.println(row);
    }
    for (int n : quick ? new int[] {8, 32} : new int[] {8, 32, 64}) {
      String row = JoinBench.loopback(n);
      joinRows.add(row);
      System.out.println(row);
    }
    String machine = String.format("%s %s, %d cores, Java %s, %s", System.getProperty("os.name"),
        System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), Instant.now());
    System.out.println();
    System.out.println("Machine: " + machine);
    Path png = Path.of(System.getProperty("bench.png", "docs/convoy-bench.png"));
    BenchPlot.write(results, png, GossipConfig.lan().probeInterval().toNanos() / 1e9,
        GossipConfig.local().probeInterval().toNanos() / 1e9);
    StringBuilder md = new StringBuilder(BenchResult.header()).append('\n');
    results.forEach(r -> md.append(r.row()).append('\n'));
    md.append('\n').append(JoinBench.header()).append('\n');
    joinRows.forEach(r -> md.append(r).append('\n'));
    md.append("\nMachine: ").append(machine).append('\n');
    Files.writeString(png.toAbsolutePath().resolveSibling("convoy-bench.md"), md);
    System.out.println("Plot: " + png.toAbsolutePath());
    System.exit(0); // listener and transport daemon threads of the last runs need not be awaited
  }
}
