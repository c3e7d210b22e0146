package dev.bourne.kayak.core;

/**
 * The bounded window of append messages in flight to one follower, each remembered by the last
 * index it carried. A ring buffer of longs: no allocation per message.
 */
final class Inflights {
  private final long[] ring;
  private int start;
  private int count;

  Inflights(int capacity) {
    this.ring = new long[capacity];
  }

  boolean full() {
    return count == ring.length;
  }

  int count() {
    return count;
  }

  /** Records a message whose last entry is {@code lastIndex} (increasing from call to call). */
  void add(long lastIndex) {
    if (full()) {
      throw new IllegalStateException("inflight window full");
    }
    ring[(start + count) % ring.length] = lastIndex;
    count++;
  }

  /** Frees every message whose entries are all acknowledged by {@code index}. */
  void freeTo(long index) {
    while (count > 0 && ring[start] <= index) {
      start = (start + 1) % ring.length;
      count--;
    }
  }

  /** Frees the oldest message (it was probably lost; lets one more go out). */
  void freeFirst() {
    if (count > 0) {
      start = (start + 1) % ring.length;
      count--;
    }
  }

  void reset() {
    start = 0;
    count = 0;
  }
}
