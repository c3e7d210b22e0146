package dev.bourne.common.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigCheckTest {
  @Test
  void validValuesPassThrough() {
    assertEquals("v", ConfigCheck.notNull("v", "k"));
    assertEquals(Duration.ofMillis(1), ConfigCheck.positive(Duration.ofMillis(1), "k"));
    assertEquals(Duration.ZERO, ConfigCheck.nonNegative(Duration.ZERO, "k"));
    assertEquals(3, ConfigCheck.inRange(3, 1, 3, "k"));
    assertEquals(3L, ConfigCheck.inRange(3L, 3L, 9L, "k"));
    assertEquals(0.5, ConfigCheck.inRange(0.5, 0, 1, "k"));
    assertDoesNotThrow(() -> ConfigCheck.require(true, "k", 1, "never"));
  }

  @Test
  void invalidValuesNameKeyAndValue() {
    assertMessage("k=null: must be set", () -> ConfigCheck.notNull(null, "k"));
    assertMessage("timeout=PT0S: must be a positive duration", () -> ConfigCheck.positive(Duration.ZERO, "timeout"));
    assertMessage("timeout=PT-1S: must not be negative", () -> ConfigCheck.nonNegative(Duration.ofSeconds(-1), "timeout"));
    assertMessage("fanout=0: must be in 1..10", () -> ConfigCheck.inRange(0, 1, 10, "fanout"));
    assertMessage("n=11: must be in 1..10", () -> ConfigCheck.inRange(11L, 1L, 10L, "n"));
    assertMessage("p=NaN: must be in 0.0..1.0", () -> ConfigCheck.inRange(Double.NaN, 0, 1, "p"));
    assertMessage("a=5: must be less than b", () -> ConfigCheck.require(false, "a", 5, "must be less than b"));
    assertEquals("k", assertThrows(ConfigException.class, () -> ConfigCheck.positive(null, "k")).key());
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
    assertEquals(expected, assertThrows(ConfigException.class, e).getMessage());
  }
}
