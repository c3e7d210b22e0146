package dev.bourne.convoy.core;

/** How the host should carry a message the core asks to send. */
public enum Channel {
  /** An unreliable datagram (probes, acks, gossip). */
  UDP,
  /** A TCP request whose answer the host feeds back to the core (TCP ping fallback, push-pull). */
  TCP
}
