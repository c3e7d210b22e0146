package dev.bourne.common.time;

/** The JVM's monotonic clock. */
enum SystemClock implements Clock {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}
