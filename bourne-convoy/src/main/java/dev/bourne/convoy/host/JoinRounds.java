package dev.bourne.convoy.host;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.retry.Backoff;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.core.Message;
import dev.bourne.convoy.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One join: rounds of push-pull requests to each seed in turn, the first answer merged into the
 * core; between rounds a backoff (with jitter from the member's seeded random) waits on the
 * member's scheduler, so no thread is parked. Fails with {@code JOIN_FAILED} listing every seed
 * tried and why, after the configured rounds.
 *
 * <p>Every step runs on the member's loop.
 */
final class JoinRounds {
  private static final Logger log = LoggerFactory.getLogger(JoinRounds.class);
  private final ConvoyNode node;
  private final List<HostPort> seeds;
  private final List<String> tried = new ArrayList<>();
  private final CompletableFuture<Void> result = new CompletableFuture<>();

  JoinRounds(ConvoyNode node, List<HostPort> seeds) {
    this.node = node;
    this.seeds = List.copyOf(seeds);
  }

  /** Starts the first round; the future completes once joined, or fails. Call on the loop. */
  CompletableFuture<Void> start() {
    attempt(0, 0);
    return result;
  }

  private void attempt(int round, int seedIndex) {
    if (!node.isRunning()) {
      result.completeExceptionally(new ClosedException(
          "convoy member " + node.id().shortString() + " stopped while joining"));
      return;
    }
    if (seedIndex == seeds.size()) {
      nextRound(round);
      return;
    }
    HostPort seed = seeds.get(seedIndex);
    byte[] request = WireCodec.encode(node.core().joinRequest());
    node.transport().call(seed, ConvoyNode.TCP, request, node.config().requestTimeout())
        .whenComplete((reply, err) -> node.execute(() -> answered(round, seedIndex, seed, reply, err)));
  }

  private void answered(int round, int seedIndex, HostPort seed, byte[] reply, Throwable err) {
    Throwable failure = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (failure == null) {
      try {
        Message m = WireCodec.decode(reply);
        node.core().receiveAnswer(node.now(), seed, m);
        node.process(node.core().drain());
        log.info("convoy member {} joined through {}", node.id(), seed);
        result.complete(null);
        return;
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    tried.add(seed + " (round " + (round + 1) + "): " + failure);
    attempt(round, seedIndex + 1);
  }

  private void nextRound(int round) {
    int rounds = node.config().joinAttempts();
    if (round + 1 >= rounds) {
      result.completeExceptionally(new ConvoyException(ConvoyException.JOIN_FAILED,
          "could not join through any seed after " + rounds + " rounds; tried " + String.join("; ", tried)));
      return;
    }
    Backoff backoff = node.config().joinBackoff();
    Duration delay = backoff.delay(round, node.random());
    try {
      node.scheduler().schedule(delay, () -> node.execute(() -> attempt(round + 1, 0)));
    } catch (IllegalStateException e) {
      result.completeExceptionally(e); // the scheduler stopped with the member
    }
  }
}
