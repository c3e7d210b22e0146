package dev.bourne.common.exec;

import dev.bourne.common.time.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where a host's serial executors come from: the executor model that a host is given as one of its
 * parts. Production hosts get {@link #threads()}, one daemon thread per executor; the simulator
 * gives {@link #virtual}, which runs tasks on the thread that advances a virtual clock, at
 * instants drawn from the simulation's seed.
 *
 * <p>Implementations are thread-safe.
 */
public interface Workers {
  /**
   * A new serial executor.
   *
   * @param name what it is for, used as its thread name where it has one
   * @throws NullPointerException if {@code name} is null
   */
  SerialExecutor serial(String name);

  /** One daemon thread per executor. */
  static Workers threads() {
    return ThreadSerialExecutor::new;
  }

  /**
   * Executors that run on {@code scheduler} (typically a {@code VirtualClock}): tasks queued while
   * none is pending are run together, in order, {@code latency.get()} after the first of them was
   * queued. A zero latency models an event loop; a drawn one models a disk writer whose work
   * arrives late and in batches.
   *
   * @throws NullPointerException if an argument is null
   */
  static Workers virtual(Scheduler scheduler, Supplier<Duration> latency) {
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(latency, "latency");
    return name -> new ScheduledSerialExecutor(Objects.requireNonNull(name, "name"), scheduler, latency);
  }

  /** As {@link #virtual(Scheduler, Supplier)} with no latency. */
  static Workers virtual(Scheduler scheduler) {
    return virtual(scheduler, () -> Duration.ZERO);
  }
}
