package dev.bourne.net.transport;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Limits on accepted connections, in all and per remote address, so that one address (or a
 * flood of connections) cannot take every slot a server has. A server asks {@link #tryAdmit} for
 * each accepted connection and calls {@link #release} once when an admitted one closes. Used by
 * {@link NettyTransport} and by the node's HTTP API.
 *
 * <p>Thread-safe.
 */
public final class ConnectionLimits {
  private final int maxTotal;
  private final int maxPerAddress;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> byAddress = new ConcurrentHashMap<>();

  /**
   * @param maxTotal connections open at once, from all addresses
   * @param maxPerAddress connections open at once from one address
   * @throws IllegalArgumentException if a limit is below 1
   */
  public ConnectionLimits(int maxTotal, int maxPerAddress) {
    if (maxTotal < 1 || maxPerAddress < 1) {
      throw new IllegalArgumentException("connection limits must be at least 1, got " + maxTotal + " and " + maxPerAddress);
    }
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Admits one more connection from {@code address} if both limits allow it.
   *
   * @return whether it was admitted (then {@link #release} must follow when it closes)
   */
  public boolean tryAdmit(String address) {
    if (open.incrementAndGet() > maxTotal) {
      open.decrementAndGet();
      return false;
    }
    boolean[] admitted = {false};
    // One atomic step per address: a count and its removal at zero never race with an admission.
    byAddress.compute(address, (k, n) -> {
      int count = n == null ? 0 : n;
      if (count >= maxPerAddress) {
        return n;
      }
      admitted[0] = true;
      return count + 1;
    });
    if (!admitted[0]) {
      open.decrementAndGet();
    }
    return admitted[0];
  }

  /** Releases a connection {@link #tryAdmit} admitted from {@code address}. */
  public void release(String address) {
    open.decrementAndGet();
    byAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Connections admitted and not released, in all. */
  public int open() {
    return open.get();
  }

  /** Connections admitted and not released from {@code address}. */
  public int open(String address) {
    return byAddress.getOrDefault(address, 0);
  }

  /** The limit in all. */
  public int maxTotal() {
    return maxTotal;
  }

  /** The limit per address. */
  public int maxPerAddress() {
    return maxPerAddress;
  }
}
