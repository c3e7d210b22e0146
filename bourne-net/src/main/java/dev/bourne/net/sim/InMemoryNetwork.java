package dev.bourne.net.sim;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.VirtualClock;
import dev.bourne.net.wire.Envelope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A set of {@link InMemoryTransport}s on one {@link SimNetwork}, for deterministic tests of hosts
 * written against {@link dev.bourne.net.Transport}: every message is an {@link Envelope} delivered
 * on the {@link VirtualClock}, subject to the network's faults and partitions.
 *
 * <pre>{@code
 * InMemoryNetwork net = new InMemoryNetwork(seed);
 * InMemoryTransport a = net.transport(HostPort.parse("10.0.0.1:7000"));
 * InMemoryTransport b = net.transport(HostPort.parse("10.0.0.2:7000"));
 * net.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
 * var reply = a.call(b.localAddress(), "ping", new byte[0], Duration.ofSeconds(1));
 * net.clock().advance(Duration.ofMillis(20));
 * }</pre>
 *
 * <p>Not thread-safe: build transports, call them and advance the clock from one thread.
 */
public final class InMemoryNetwork {
  /** Default largest envelope, as for the real transport: 16 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
  /** Default largest datagram payload, as for the real transport: 1400 bytes. */
  public static final int DEFAULT_MAX_DATAGRAM_PAYLOAD = 1400;

  private final SimNetwork<HostPort, Envelope> network;
  private final Map<HostPort, InMemoryTransport> transports = new LinkedHashMap<>();
  private final int maxFrameBytes;
  private final int maxDatagramPayload;
  private long lastCorrelationId;

  /** A network on a fresh clock at time zero, every fault decision drawn from {@code seed}. */
  public InMemoryNetwork(long seed) {
    this(new VirtualClock(), new Random(seed));
  }

  /** A network on {@code clock}, every fault decision drawn from {@code random}. */
  public InMemoryNetwork(VirtualClock clock, Random random) {
    this(new SimNetwork<>(clock, random), DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_DATAGRAM_PAYLOAD);
  }

  /**
   * A network over an existing simulated network, with explicit limits.
   *
   * @throws IllegalArgumentException if a limit is not positive
   */
  public InMemoryNetwork(SimNetwork<HostPort, Envelope> network, int maxFrameBytes, int maxDatagramPayload) {
    this.network = Objects.requireNonNull(network, "network");
    if (maxFrameBytes <= 0 || maxDatagramPayload <= 0) {
      throw new IllegalArgumentException("limits must be positive, got maxFrameBytes=" + maxFrameBytes + ", maxDatagramPayload=" + maxDatagramPayload);
    }
    this.maxFrameBytes = maxFrameBytes;
    this.maxDatagramPayload = maxDatagramPayload;
  }

  /** The clock every delivery and call timeout runs on. */
  public VirtualClock clock() {
    return network.clock();
  }

  /** The simulated network, to inject faults and partitions. */
  public SimNetwork<HostPort, Envelope> network() {
    return network;
  }

  /**
   * A correlation id no transport of this network used before. Unique across transports, so that a
   * reply to a call of a closed transport is never taken for the reply to a call of a new one at the
   * same address: with TCP, a restarted process has new connections and never gets its former
   * incarnation's replies (found by the Kayak simulator: a restarted member took a stale reply for
   * an append as the answer to a new one and acknowledged it at the wrong index).
   */
  long nextCorrelationId() {
    return ++lastCorrelationId;
  }

  /**
   * Creates a transport at {@code address} and attaches it to the network.
   *
   * @throws IllegalStateException if a transport is already open at that address (close it first
   *     to simulate a restart)
   */
  public InMemoryTransport transport(HostPort address) {
    Objects.requireNonNull(address, "address");
    if (transports.containsKey(address)) {
      throw new IllegalStateException("a transport is already open at " + address);
    }
    InMemoryTransport t = new InMemoryTransport(this, address, maxFrameBytes, maxDatagramPayload);
    transports.put(address, t);
    network.attach(address, t::receive);
    return t;
  }

  /** The open transports, in the order they were created. */
  public List<InMemoryTransport> transports() {
    return List.copyOf(transports.values());
  }

  /** Detaches a closing transport and tells every other one, as a closed socket would. */
  void closed(InMemoryTransport t) {
    if (transports.get(t.localAddress()) != t) {
      return;
    }
    transports.remove(t.localAddress());
    network.detach(t.localAddress());
    for (InMemoryTransport other : new ArrayList<>(transports.values())) {
      other.peerClosed(t.localAddress());
    }
  }
}
