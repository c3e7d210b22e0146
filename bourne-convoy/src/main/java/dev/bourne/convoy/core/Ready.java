package dev.bourne.convoy.core;

import java.util.List;

/**
 * What one call into the core produced, in order: messages to send and events to deliver or
 * persist. Immutable.
 */
public record Ready(List<Send> sends, List<CoreEvent> events) {
  /** Nothing to do. */
  public static final Ready EMPTY = new Ready(List.of(), List.of());

  /** Copies the lists. */
  public Ready {
    sends = List.copyOf(sends);
    events = List.copyOf(events);
  }
}
