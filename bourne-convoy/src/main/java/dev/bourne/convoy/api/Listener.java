package dev.bourne.convoy.api;

/**
 * Receives events on its own executor (a thread of its own in production), in order. Events wait in a bounded queue; a listener that
 * falls behind loses the overflow and is told how many it missed, so it never stalls gossip.
 *
 * @param <E> the event type
 */
@FunctionalInterface
public interface Listener<E> {
  /** One event. Exceptions are logged and ignored. */
  void onEvent(E event);

  /** {@code missed} events were dropped because this listener fell behind. Re-read the directory. */
  default void onLagged(long missed) {}
}
