package dev.bourne.it.process;

import dev.bourne.common.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A cluster of node processes on loopback for a test. {@link #close()} kills every process that
 * still runs and removes the data, whatever the test did; the nodes' logs are kept in
 * {@code target/process-logs/<test>/}.
 */
public final class ProcessCluster implements AutoCloseable {
  /** The nodes, in start order. */
  public final List<NodeProcess> nodes = new ArrayList<>();
  private final Path root;
  private final Path logs;

  private ProcessCluster(String test) throws IOException {
    this.root = Files.createTempDirectory("bourne-it-" + test);
    this.logs = Path.of("target", "process-logs", test);
  }

  /** Starts {@code n} nodes: the first alone, the others joining through it, all at once. */
  public static ProcessCluster start(String test, int n, List<String> extra) throws IOException {
    ProcessCluster c = new ProcessCluster(test);
    try {
      for (int i = 0; i < n; i++) {
        NodeProcess p = new NodeProcess("node" + (i + 1), c.root, extra);
        c.nodes.add(p);
      }
      for (NodeProcess p : c.nodes) {
        p.start(p == c.nodes.get(0) ? List.of() : List.of(c.nodes.get(0)));
      }
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  public NodeProcess node(int i) {
    return nodes.get(i);
  }

  /** Waits until every running node serves the key/value API. */
  public void awaitReady(Duration timeout) {
    Await.until("every node ready", timeout, Duration.ofMillis(100),
        () -> nodes.stream().filter(NodeProcess::alive).allMatch(NodeProcess::ready));
  }

  /** The others than {@code n}, as seeds for restarting it. */
  public List<NodeProcess> others(NodeProcess n) {
    return nodes.stream().filter(o -> o != n && o.alive()).toList();
  }

  @Override
  public void close() {
    for (NodeProcess p : nodes) {
      try {
        p.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      Files.createDirectories(logs);
      for (NodeProcess p : nodes) {
        if (Files.exists(p.logFile)) {
          Files.copy(p.logFile, logs.resolve(p.name + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      try (Stream<Path> all = Files.walk(root)) {
        all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    } catch (IOException e) {
      System.err.println("could not clean up " + root + ": " + e);
    }
  }
}
