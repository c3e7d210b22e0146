package dev.bourne.convoy.demo;

import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.api.MemberState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A Convoy demo on loopback: N members join through a seed, one shares a key, one crashes and one
 * leaves; every member prints what it sees as it happens. Ends by itself (bounded waits).
 *
 * <p>Run: {@code bin/run bourne-convoy dev.bourne.convoy.demo.ConvoyDemo [N]}.
 */
public final class ConvoyDemo {
  private static final long START = System.nanoTime();

  private ConvoyDemo() {}

  /** @param args optional member count (3..20, default 5) */
  public static void main(String[] args) {
    // Members log their start and stop at INFO; keep the output to what the members see.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    int n = args.length > 0 ? Math.max(3, Math.min(20, Integer.parseInt(args[0]))) : 5;
    ConvoyConfig config = ConvoyConfig.local().build();
    List<ConvoyHost> hosts = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ConvoyHost h = i == 0 ? Convoy.start(config) : Convoy.join(config, List.of(hosts.get(0).address()));
        String me = "member-" + i;
        h.directory().onMembership(e -> say(me, "membership: " + e.member().id().shortString() + " " + e.kind()));
        h.directory().onHealth(e -> say(me, "health: " + e.member().id().shortString() + " " + e.health()));
        hosts.add(h);
        say(me, (i == 0 ? "started seed at " : "joined at ") + h.address() + " as " + h.id().shortString());
      }
      await("everyone sees " + n + " members", () -> hosts.stream().allMatch(h -> h.directory().all().size() == n));

      ConvoyHost writer = hosts.get(1);
      writer.store().put("greeting", "hello from member-1", 0);
      say("member-1", "put greeting (version " + writer.store().get("greeting").version() + ")");
      await("everyone sees the greeting", () -> hosts.stream()
          .allMatch(h -> h.directory().findByKey("greeting").size() == 1));
      for (int i = 0; i < n; i++) {
        say("member-" + i, "greeting = " + hosts.get(i).directory().value(writer.id(), "greeting").orElse("?"));
      }

      ConvoyHost crashed = hosts.get(n - 1);
      say("member-" + (n - 1), "crashing (shutdown without leaving)");
      crashed.shutdown();
      List<ConvoyHost> alive = new ArrayList<>(hosts.subList(0, n - 1));
      await("everyone marks member-" + (n - 1) + " failed", () -> alive.stream().allMatch(h ->
          h.directory().get(crashed.id()).map(m -> m.state() == MemberState.FAILED).orElse(false)));

      ConvoyHost leaver = hosts.get(n - 2);
      say("member-" + (n - 2), "leaving gracefully");
      leaver.close();
      alive.remove(leaver);
      await("everyone sees member-" + (n - 2) + " left", () -> alive.stream().allMatch(h ->
          h.directory().get(leaver.id()).map(m -> m.state() == MemberState.LEFT).orElse(false)));

      for (int i = 0; i < alive.size(); i++) {
        StringBuilder view = new StringBuilder();
        for (Member m : alive.get(i).directory().all()) {
          view.append(' ').append(m.id().shortString()).append('=').append(m.state());
        }
        say("member-" + i, "final view:" + view);
      }
    } finally {
      hosts.forEach(ConvoyHost::shutdown);
    }
    System.exit(0);
  }

  private static void await(String what, BooleanSupplier done) {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("gave up after 30 s waiting until " + what);
      }
      LockSupport.parkNanos(5_000_000);
    }
    say("demo", what + " (" + (System.nanoTime() - START) / 1_000_000 + " ms since start)");
  }

  private static synchronized void say(String who, String what) {
    System.out.printf("%6d ms  %-9s %s%n", (System.nanoTime() - START) / 1_000_000, who, what);
  }
}
