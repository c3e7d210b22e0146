package dev.bourne.kayak.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.Kayak;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Subscription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A Kayak demo on loopback with real files and fsync: a cluster is grown from one member to five,
 * every member appends, every member applies the same log, the leader is killed and a new one takes
 * over with nothing acknowledged lost, one member leaves, and a linearizable read is served by a
 * follower. Ends by itself (every wait is bounded) and deletes its data directories.
 *
 * <p>Run: {@code bin/run bourne-kayak dev.bourne.kayak.demo.KayakDemo}.
 */
public final class KayakDemo {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private KayakDemo() {}

  /** A member with its application: a thread that applies committed entries in order. */
  private static final class Node implements AutoCloseable {
    final String name;
    final KayakHost host;
    final List<String> applied = new CopyOnWriteArrayList<>();
    private final Thread applier;
    private volatile boolean running = true;

    Node(String name, KayakHost host) {
      this.name = name;
      this.host = host;
      this.applier = new Thread(this::apply, name + "-applier");
      applier.setDaemon(true);
      applier.start();
    }

    private void apply() {
      try (Subscription sub = host.log().listen(1)) {
        while (running) {
          for (Entry e : sub.poll(256, Duration.ofMillis(100))) {
            if (e.kind() == EntryKind.STD) {
              applied.add(new String(e.payload(), UTF_8));
            }
            host.sync().ack(e.index());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        if (running) {
          say(name, "applier stopped: " + e);
        }
      }
    }

    @Override
    public void close() {
      running = false;
      applier.interrupt();
    }
  }

  /** @param args none */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Path root = Files.createTempDirectory("kayak-demo");
    List<Node> nodes = new ArrayList<>();
    try {
      grow(root, nodes);
      appendFromEveryone(nodes, "round-1");
      awaitSameLog(nodes);

      Node leader = leaderOf(nodes);
      say(leader.name, "crashing (shutdown, no hand-over)");
      long crashedAt = System.nanoTime();
      leader.close();
      leader.host.shutdown();
      nodes.remove(leader);
      await("a new leader is elected", () -> nodes.stream()
          .anyMatch(n -> n.host.leader().map(m -> !m.id().equals(leader.host.id())).orElse(false)));
      say("demo", "new leader " + name(nodes, leaderOf(nodes).host.id()) + " after "
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt) + " ms");
      appendFromEveryone(nodes, "round-2");
      awaitSameLog(nodes);

      Node leaver = nodes.stream().filter(n -> n != leaderOf(nodes)).findFirst().orElseThrow();
      say(leaver.name, "leaving the cluster (close)");
      leaver.close();
      leaver.host.close();
      nodes.remove(leaver);
      await(leaver.name + " is out of every roster", () -> nodes.stream()
          .allMatch(n -> n.host.roster().stream().noneMatch(m -> m.id().equals(leaver.host.id()))));
      // A crashed member stays a voter until it is removed: only close() (leave) removes a member.
      say("demo", "roster: " + roster(nodes) + " (the crashed member stays until removed)");

      Node follower = nodes.stream().filter(n -> n != leaderOf(nodes)).findFirst().orElseThrow();
      int count = follower.host.sync().read(follower.applied::size).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      say(follower.name, "linearizable read on a follower: " + count + " entries applied, all acknowledged writes included");
    } finally {
      for (Node n : nodes) {
        n.close();
        n.host.shutdown();
      }
      deleteTree(root);
    }
    System.exit(0);
  }

  private static void grow(Path root, List<Node> nodes) {
    for (int i = 0; i < 5; i++) {
      String name = "member-" + i;
      KayakConfig config = KayakConfig.builder(root.resolve(name)).bind(new HostPort("127.0.0.1", 0)).build();
      KayakHost host;
      if (i == 0) {
        host = Kayak.start(config);
        say(name, "started the cluster at " + host.address());
      } else {
        // Join through the newest member: a follower, which redirects to the leader.
        HostPort via = nodes.get(nodes.size() - 1).host.address();
        host = Kayak.join(config, List.of(via));
        say(name, "joined through " + via + " at " + host.address());
      }
      nodes.add(new Node(name, host));
    }
    say("demo", "roster: " + roster(nodes));
  }

  private static void appendFromEveryone(List<Node> nodes, String round) throws Exception {
    for (Node n : nodes) {
      for (int k = 0; k < 3; k++) {
        String event = round + " " + n.name + " #" + k;
        Entry e = n.host.log().append(event.getBytes(UTF_8)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        say(n.name, "appended '" + event + "' -> committed at index " + e.index() + ", term " + e.term());
      }
    }
  }

  private static void awaitSameLog(List<Node> nodes) {
    await("every member applied the same entries", () -> {
      List<String> first = nodes.get(0).applied;
      return nodes.stream().allMatch(n -> n.applied.equals(first) && n.host.sync().acked() == n.host.log().committed());
    });
    say("demo", nodes.size() + " members applied the same " + nodes.get(0).applied.size()
        + " events in the same order (last: '" + nodes.get(0).applied.get(nodes.get(0).applied.size() - 1) + "')");
  }

  private static Node leaderOf(List<Node> nodes) {
    return nodes.stream().filter(n -> n.host.leader().map(m -> m.id().equals(n.host.id())).orElse(false))
        .findFirst().orElseThrow(() -> new IllegalStateException("no leader among the survivors"));
  }

  private static String name(List<Node> nodes, dev.bourne.common.id.NodeId id) {
    return nodes.stream().filter(n -> n.host.id().equals(id)).map(n -> n.name).findFirst()
        .orElse(id.shortString() + "(down)");
  }

  private static String roster(List<Node> nodes) {
    StringBuilder b = new StringBuilder();
    for (Member m : nodes.get(0).host.roster()) {
      b.append(name(nodes, m.id())).append(m.voter() ? "" : "(learner)").append(' ');
    }
    return b.toString().trim();
  }

  private static void await(String what, BooleanSupplier condition) {
    Narration.await(what, WAIT, condition);
  }

  private static void say(String who, String what) {
    Narration.say(who, what);
  }


  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
