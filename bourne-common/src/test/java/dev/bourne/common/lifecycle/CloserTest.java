package dev.bourne.common.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloserTest {
  private final List<String> closed = new ArrayList<>();

  private AutoCloseable named(String name) {
    return () -> closed.add(name);
  }

  @Test
  void closesNewestFirstAndOnlyOnce() {
    Closer c = new Closer();
    AutoCloseable a = named("a");
    assertSame(a, c.register(a));
    c.register(named("b"));
    c.register(named("c"));
    c.close();
    c.close();
    assertEquals(List.of("c", "b", "a"), closed);
  }

  @Test
  void everyResourceIsClosedAndTheFirstFailureCarriesTheRest() {
    Closer c = new Closer();
    c.register(named("a"));
    c.register(() -> {
      throw new IllegalStateException("b failed");
    });
    c.register(named("c"));
    c.register(() -> {
      throw new IllegalArgumentException("d failed");
    });
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::close);
    assertEquals("d failed", e.getMessage());
    assertEquals(1, e.getSuppressed().length);
    assertEquals("b failed", e.getSuppressed()[0].getMessage());
    assertEquals(List.of("c", "a"), closed);
  }

  @Test
  void checkedFailuresAreWrapped() {
    Closer c = new Closer();
    c.register(() -> {
      throw new IOException("disk");
    });
    IllegalStateException e = assertThrows(IllegalStateException.class, c::close);
    assertInstanceOf(IOException.class, e.getCause());
  }

  @Test
  void registeringAfterCloseClosesAtOnce() {
    Closer c = new Closer();
    c.close();
    c.register(named("late"));
    assertEquals(List.of("late"), closed);
  }

  @Test
  void closeQuietlyIgnoresFailuresAndNull() {
    Closer.closeQuietly(null);
    Closer.closeQuietly(() -> {
      throw new IOException("ignored");
    });
    Closer.closeQuietly(named("x"));
    assertEquals(List.of("x"), closed);
  }
}
