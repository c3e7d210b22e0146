package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;

/**
 * A leader's ongoing hand-over: the target, and whether the leader steps down when it times out
 * (a leader that removed itself does). While active the leader accepts no proposals.
 */
final class LeadershipTransfer {
  private NodeId target;
  private boolean stepDownOnTimeout;

  boolean active() {
    return target != null;
  }

  NodeId target() {
    return target;
  }

  boolean stepDownOnTimeout() {
    return stepDownOnTimeout;
  }

  void start(NodeId to, boolean stepDown) {
    target = to;
    stepDownOnTimeout = stepDown;
  }

  void abort() {
    target = null;
    stepDownOnTimeout = false;
  }
}
