package dev.bourne.common.lifecycle;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A thread-safe lifecycle state holder that only moves forward through {@link LifecycleState}.
 * Components use it to make {@code close()} idempotent and to refuse work once stopping.
 */
public final class Lifecycle {
  private final String component;
  private final AtomicReference<LifecycleState> state = new AtomicReference<>(LifecycleState.NEW);

  /** @param component a name used in error messages, e.g. {@code "convoy host 1a2b3c4d"} */
  public Lifecycle(String component) {
    this.component = component;
  }

  /** The current state. */
  public LifecycleState state() {
    return state.get();
  }

  /** True while {@link LifecycleState#RUNNING}. */
  public boolean isRunning() {
    return state.get() == LifecycleState.RUNNING;
  }

  /**
   * Moves to {@code next} if the current state is before it.
   *
   * @return true if this call made the transition; false if the state was already at or past it
   */
  public boolean advanceTo(LifecycleState next) {
    while (true) {
      LifecycleState cur = state.get();
      if (cur.compareTo(next) >= 0) {
        return false;
      }
      if (state.compareAndSet(cur, next)) {
        return true;
      }
    }
  }

  /**
   * Throws unless running.
   *
   * @throws dev.bourne.common.error.ClosedException if stopping or terminated
   * @throws IllegalStateException if not yet started
   */
  public void checkRunning() {
    LifecycleState s = state.get();
    if (s.compareTo(LifecycleState.STOPPING) >= 0) {
      throw new dev.bourne.common.error.ClosedException(component + " is closed");
    }
    if (s != LifecycleState.RUNNING) {
      throw new IllegalStateException(component + " is not running (" + s + ")");
    }
  }

  @Override
  public String toString() {
    return component + "[" + state.get() + "]";
  }
}
