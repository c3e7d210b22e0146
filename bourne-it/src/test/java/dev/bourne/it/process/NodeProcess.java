package dev.bourne.it.process;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bourne.it.cluster.NodeHandle;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One node as a real process: {@code java -jar bourne.jar agent} (under {@code mvn verify}, which
 * packages the jar first) or {@code java -cp <this JVM's class path> ... agent} (the demo, under
 * {@code bin/run}), on loopback ports of its own, with its data directory and a log file. Stopped
 * with SIGTERM ({@link #terminate}) or SIGKILL ({@link #kill}); {@link #start} again on the same
 * data directory and ports.
 */
public final class NodeProcess extends NodeHandle {
  private static final ObjectMapper JSON = new ObjectMapper();


  public final int gossipPort;
  public final int httpPort;
  public final Path dataDir;
  public final Path logFile;
  private final List<String> extra;
  private Process process;
  private List<NodeProcess> lastJoin = List.of();

  /** A node named {@code name} with its data and log under {@code root}, started with {@code extra} flags. */
  public NodeProcess(String name, Path root, List<String> extra) throws IOException {
    super(name);
    this.gossipPort = freePort();
    this.httpPort = freePort();
    this.dataDir = root.resolve(name);
    this.logFile = root.resolve(name + ".log");
    this.extra = List.copyOf(extra);
  }

  /** How to launch the agent: the packaged jar if the build names it, else this JVM's class path. */
  private static List<String> launcher() {
    String jar = System.getProperty("bourne.jar");
    if (jar != null) {
      if (!Files.isRegularFile(Path.of(jar))) {
        throw new IllegalStateException("bourne.jar not found at " + jar + ": 'mvn verify' packages it before the *IT tests");
      }
      return List.of("-jar", jar);
    }
    return List.of("-cp", System.getProperty("java.class.path"), "dev.bourne.it.cli.Bourne");
  }

  /** A loopback port free for TCP and UDP (gossip binds both) right now. */
  public static int freePort() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
          java.net.DatagramSocket d = new java.net.DatagramSocket(s.getLocalPort(), java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (java.net.BindException udpTaken) {
        // try another
      }
    }
    throw new IOException("no free loopback port for TCP and UDP");
  }

  public String gossipAddress() {
    return "127.0.0.1:" + gossipPort;
  }

  /** Starts the agent, joining through {@code join} (none: the first node). */
  public void start(List<NodeProcess> join) throws IOException {
    lastJoin = List.copyOf(join);
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC"));
    cmd.addAll(launcher());
    cmd.addAll(List.of("agent",
        "--bind", gossipAddress(), "--http", "127.0.0.1:" + httpPort, "--data-dir", dataDir.toString(),
        "--gossip", "local", "--stabilization", "1s", "--dead-after", "3s"));
    if (!join.isEmpty()) {
      cmd.add("--join");
      cmd.add(String.join(",", join.stream().map(NodeProcess::gossipAddress).toList()));
    }
    cmd.addAll(extra);
    Files.writeString(logFile, "=== start " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
  }

  @Override
  protected String httpHost() {
    return "127.0.0.1";
  }

  @Override
  public int httpPort() {
    return httpPort;
  }

  /** Starts again, joining through the nodes of the last start. */
  @Override
  public void restart() throws IOException {
    start(lastJoin);
  }

  @Override
  public boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGSTOP: the process freezes (as in a long GC pause) until {@link #resume}. */
  @Override
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT: a paused process runs again. */
  @Override
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IOException("kill -" + name + " " + process.pid() + " failed");
      }
    }
  }

  /** SIGKILL: a crash. */
  @Override
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * SIGTERM: a graceful stop.
   *
   * @return the exit code
   */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  /** Sends {@code request} as raw bytes (for requests a URI class would refuse) and reads one answer. */
  public Answer raw(String request) throws IOException {
    try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), httpPort)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // closed after the answer
      int status = Integer.parseInt(all.substring(9, 12));
      String body = all.substring(all.indexOf("\r\n\r\n") + 4);
      return new Answer(status, JSON.readTree(body), body);
    }
  }

  @Override
  public String toString() {
    return name + "(gossip " + gossipPort + ", http " + httpPort + ")";
  }
}
