package dev.bourne.it.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.bourne.it.cluster.NodeHandle;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;

/**
 * One node in a container of a {@link ContainerCluster}: the real {@code bourne.jar} agent on the
 * host's JDK, with a static address on the test's network and its data directory inside the
 * container (kept across a kill and restart of the same container). Faults are made through the
 * Docker engine: SIGKILL ({@link #kill}), the cgroup freezer ({@link #pause}), SIGTERM
 * ({@link #stop}), and packet filters inside the container ({@link #dropFrom}).
 */
public final class NodeContainer extends NodeHandle {
  /** The port the agent gossips and replicates on. */
  public static final int PEER_PORT = 7946;
  /** The port of the HTTP API. */
  public static final int HTTP_PORT = 8080;

  /** The node's address on the test's network. */
  public final String ip;
  final GenericContainer<?> container;
  private final DockerClient docker;
  private final List<String> dropped = new ArrayList<>();
  // Whether the last pause used SIGSTOP rather than the freezer.
  private boolean stopped;

  NodeContainer(String name, String ip, GenericContainer<?> container, DockerClient docker) {
    super(name);
    this.ip = ip;
    this.container = container;
    this.docker = docker;
  }

  /** Where the node gossips, as peers reach it. */
  public String peerAddress() {
    return ip + ":" + PEER_PORT;
  }

  @Override
  protected String httpHost() {
    return ip;
  }

  @Override
  public int httpPort() {
    return HTTP_PORT;
  }

  private InspectContainerResponse.ContainerState state() {
    return docker.inspectContainerCmd(container.getContainerId()).exec().getState();
  }

  @Override
  public boolean alive() {
    return Boolean.TRUE.equals(state().getRunning());
  }

  /** Whether the node is frozen by {@link #pause}. */
  public boolean paused() {
    return stopped || Boolean.TRUE.equals(state().getPaused());
  }

  @Override
  public void kill() {
    if (alive()) {
      if (paused()) {
        resume(); // the engine refuses to kill a frozen container
      }
      docker.killContainerCmd(container.getContainerId()).withSignal("KILL").exec();
    }
    dropped.clear(); // its network namespace, with its filters, goes with it
  }

  /** SIGTERM, then waits up to {@code seconds} for the graceful stop before the engine kills it. */
  public void stop(int seconds) {
    docker.stopContainerCmd(container.getContainerId()).withTimeout(seconds).exec();
    dropped.clear();
  }

  /** The exit code of the last run (only meaningful once it stopped). */
  public long exitCode() {
    return state().getExitCodeLong();
  }

  @Override
  public void restart() {
    docker.startContainerCmd(container.getContainerId()).exec();
  }

  /**
   * Freezes every process of the container with the cgroup freezer. The freezer gives up when a
   * thread does not stop in time (one inside an fsync, say: "unable to freeze"); then the node's
   * JVM gets SIGSTOP instead, which stops all its threads as surely.
   */
  @Override
  public void pause() {
    try {
      docker.pauseContainerCmd(container.getContainerId()).exec();
      stopped = false;
    } catch (com.github.dockerjava.api.exception.DockerException freezerGaveUp) {
      docker.killContainerCmd(container.getContainerId()).withSignal("STOP").exec();
      stopped = true;
    }
  }

  @Override
  public void resume() {
    if (stopped) {
      docker.killContainerCmd(container.getContainerId()).withSignal("CONT").exec();
      stopped = false;
    } else {
      docker.unpauseContainerCmd(container.getContainerId()).exec();
    }
  }

  /**
   * Drops every packet from {@code sources} that arrives here (TCP and UDP), until {@link #heal}:
   * they cannot reach this node, while this node's packets still reach them. One rule, so that a
   * partition is in place at once rather than one peer after another.
   */
  public void dropFrom(List<NodeContainer> sources) throws Exception {
    if (sources.isEmpty()) {
      return;
    }
    iptables("-A", "INPUT", "-s", String.join(",", sources.stream().map(n -> n.ip).toList()), "-j", "DROP");
    sources.forEach(n -> dropped.add(n.name));
  }

  /** Removes every filter {@link #dropFrom} added. */
  public void heal() throws Exception {
    if (!dropped.isEmpty()) {
      iptables("-F", "INPUT");
      dropped.clear();
    }
  }

  /** The nodes whose packets this node drops now. */
  public List<String> dropping() {
    return List.copyOf(dropped);
  }

  private void iptables(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "/usr/sbin/iptables-nft";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Container.ExecResult r = container.execInContainer(cmd);
    if (r.getExitCode() != 0) {
      throw new IllegalStateException(name + ": " + String.join(" ", cmd) + " failed (" + r.getExitCode() + "): "
          + r.getStderr());
    }
  }

  @Override
  public String toString() {
    return name + "(" + ip + ")";
  }
}
