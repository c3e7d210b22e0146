package dev.bourne.it.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import dev.bourne.common.testing.Await;
import dev.bourne.it.cluster.NodeHandle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * A cluster of node containers for a test, on a Docker network the test creates with a subnet of
 * its own, every node at a static address ({@code .11}, {@code .12}, ...) that it keeps across
 * kills, restarts and partitions. No image is pulled: the containers start from an empty image and
 * run the host's JDK, mounted read-only, on the packaged {@code bourne.jar}. {@link #close()}
 * removes the containers and the network whatever the test did, and keeps every node's whole log
 * (all its runs) in {@code target/container-logs/<test>/}.
 */
public final class ContainerCluster implements AutoCloseable {
  private static final ImageFromDockerfile IMAGE = new ImageFromDockerfile("bourne-node-base", false)
      .withDockerfileFromBuilder(b -> b.from("scratch").label("bourne", "base").build());

  /** The nodes, in start order (those that left included). */
  public final List<NodeContainer> nodes = new ArrayList<>();
  private final String test;
  private final List<String> extra;
  private final DockerClient docker;
  private final Network network;
  private final String prefix;
  private final Path logs;

  private ContainerCluster(String test, List<String> extra) {
    this.test = test;
    this.extra = List.copyOf(extra);
    this.docker = requireDocker();
    this.logs = Path.of("target", "container-logs", test);
    SecureRandom random = new SecureRandom();
    Network created = null;
    String chosen = null;
    RuntimeException last = null;
    for (int attempt = 0; attempt < 10 && created == null; attempt++) {
      // A /24 of 10.0.0.0/8 the engine has not handed out; a clash with another network is refused, so try another.
      String p = "10." + (100 + random.nextInt(150)) + "." + random.nextInt(256) + ".";
      Network n = Network.builder().createNetworkCmdModifier(cmd -> cmd.withName("bourne-" + test + "-" + p.replace('.', '-'))
          .withLabels(Map.of("bourne.test", test))
          .withIpam(new com.github.dockerjava.api.model.Network.Ipam()
              .withConfig(new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet(p + "0/24")))).build();
      try {
        n.getId(); // created here
        created = n;
        chosen = p;
      } catch (RuntimeException clash) {
        last = clash;
      }
    }
    if (created == null) {
      throw new IllegalStateException("could not create a test network", last);
    }
    this.network = created;
    this.prefix = chosen;
  }

  /**
   * The Docker engine, or an error that says how to get one: the container tests never pass
   * without running.
   */
  static DockerClient requireDocker() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new AssertionError("No Docker engine is reachable, and the container tests need one. On Debian or "
          + "Ubuntu: 'apt-get install docker.io' and start it with 'dockerd --iptables=false --ip-forward=false &' "
          + "(as root), or run 'bash .ci/run', which does both. The harness needs a Linux engine on this host "
          + "(API 1.41 or later): its containers run this host's JDK and are reached at their own addresses.");
    }
    return DockerClientFactory.instance().client();
  }

  /** Starts {@code n} nodes at once, each joining through all the others, with {@code extra} agent flags. */
  public static ContainerCluster start(String test, int n, List<String> extra) {
    ContainerCluster c = new ContainerCluster(test, extra);
    try {
      List<String> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(c.prefix + (11 + i) + ":" + NodeContainer.PEER_PORT);
      }
      for (int i = 0; i < n; i++) {
        String self = all.get(i);
        c.launch(all.stream().filter(a -> !a.equals(self)).toList());
      }
      return c;
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  /** Starts one more node, new to the cluster (empty data directory), joining through the running ones. */
  public NodeContainer add() {
    return launch(running().stream().map(NodeContainer::peerAddress).toList());
  }

  private NodeContainer launch(List<String> join) {
    int index = nodes.size();
    String name = "node" + (index + 1);
    String ip = prefix + (11 + index);
    Path javaHome = realPath(Path.of(System.getProperty("java.home")));
    Path jar = Path.of(System.getProperty("bourne.jar", "target/bourne.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("bourne.jar not found at " + jar + ": 'mvn verify' packages it before the *IT tests");
    }
    List<String> cmd = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString(), "-Xmx192m", "-XX:+UseSerialGC",
        "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
        "-jar", "/opt/bourne/bourne.jar", "agent",
        "--bind", ip + ":" + NodeContainer.PEER_PORT, "--http", ip + ":" + NodeContainer.HTTP_PORT,
        "--data-dir", "/data", "--gossip", "local", "--stabilization", "1s", "--dead-after", "3s"));
    if (!join.isEmpty()) {
      cmd.add("--join");
      cmd.add(String.join(",", join));
    }
    cmd.addAll(extra);
    GenericContainer<?> g = new GenericContainer<>(IMAGE)
        .withNetwork(network)
        .withLabel("bourne.test", test)
        .withFileSystemBind("/usr", "/usr", BindMode.READ_ONLY)
        .withFileSystemBind(jar.toString(), "/opt/bourne/bourne.jar", BindMode.READ_ONLY)
        .withTmpFs(Map.of("/tmp", "rw"))
        .withCreateContainerCmdModifier(c -> {
          c.withIpv4Address(ip).withName("bourne-" + test + "-" + name + "-" + ip.replace('.', '-'));
          c.getHostConfig().withCapAdd(Capability.NET_ADMIN);
        })
        .withCommand(cmd.toArray(String[]::new));
    // The JDK's native libraries live under /lib and /lib64 (symbolic links into /usr on merged-/usr
    // systems), and Debian's JDK reads its security settings from /etc.
    for (String dir : List.of("/lib", "/lib64")) {
      if (Files.isDirectory(Path.of(dir))) {
        g.withFileSystemBind(realPath(Path.of(dir)).toString(), dir, BindMode.READ_ONLY);
      }
    }
    for (String dir : List.of("/etc/java-17-openjdk", "/etc/ssl")) {
      if (Files.isDirectory(Path.of(dir))) {
        g.withFileSystemBind(dir, dir, BindMode.READ_ONLY);
      }
    }
    if (!javaHome.startsWith("/usr")) {
      g.withFileSystemBind(javaHome.toString(), javaHome.toString(), BindMode.READ_ONLY);
    }
    NodeContainer node = new NodeContainer(name, ip, g, docker);
    nodes.add(node);
    g.start();
    return node;
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      throw new IllegalStateException("cannot resolve " + p, e);
    }
  }

  public NodeContainer node(int i) {
    return nodes.get(i);
  }

  /** The nodes whose containers run now. */
  public List<NodeContainer> running() {
    return nodes.stream().filter(NodeContainer::alive).toList();
  }

  /** Waits until every running node serves the key/value API. */
  public void awaitReady(Duration timeout) {
    awaitReady(running(), timeout);
  }

  /** Waits until each of {@code which} serves the key/value API. */
  public static void awaitReady(List<? extends NodeHandle> which, Duration timeout) {
    Await.until("nodes " + which + " ready", timeout, Duration.ofMillis(200), () -> which.stream().allMatch(NodeHandle::ready));
  }

  /** Lifts every packet filter on every running node (resume frozen nodes first). */
  public void healNetwork() throws Exception {
    for (NodeContainer n : running()) {
      n.heal();
    }
  }

  @Override
  public void close() {
    try {
      Files.createDirectories(logs);
    } catch (IOException e) {
      System.err.println("cannot create " + logs + ": " + e);
    }
    for (NodeContainer n : nodes) {
      try {
        if (n.container.getContainerId() != null) {
          Files.writeString(logs.resolve(n.name + ".log"), n.container.getLogs(), StandardCharsets.UTF_8);
        }
      } catch (RuntimeException | IOException e) {
        System.err.println("cannot keep the log of " + n + ": " + e);
      }
      try {
        if (n.container.getContainerId() != null && n.alive() && n.paused()) {
          n.resume(); // the engine refuses to kill a frozen container
        }
        n.container.stop(); // kills and removes it, its data with it
      } catch (RuntimeException e) {
        System.err.println("cannot remove " + n + ": " + e);
      }
    }
    try {
      network.close();
    } catch (RuntimeException e) {
      System.err.println("cannot remove the network of " + test + ": " + e);
    }
  }
}
