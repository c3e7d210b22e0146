package dev.bourne.common.lifecycle;

/** The states a component with a lifecycle moves through, in this order only. */
public enum LifecycleState {
  /** Built, not started. */
  NEW,
  /** Starting: binding, recovering, joining. */
  STARTING,
  /** Serving. */
  RUNNING,
  /** Closing: leaving, flushing, releasing resources. */
  STOPPING,
  /** Closed; every resource released. Terminal. */
  TERMINATED
}
