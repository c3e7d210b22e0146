package dev.bourne.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.net.HostPort;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @ParameterizedTest
  @CsvSource({
    "250ms, PT0.25S",
    "5s, PT5S",
    "' 5 s ', PT5S",
    "2m, PT2M",
    "1h, PT1H",
    "PT5S, PT5S",
    "pt1m30s, PT1M30S",
    "100, PT0.1S",
    "0, PT0S",
  })
  void parsesDurationForms(String text, String iso) {
    assertEquals(Duration.parse(iso), Settings.parseDuration("k", text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "5 parsecs", "1d", "ms", "PTX", "1.5s"})
  void rejectsOtherDurationsNamingKeyAndValue(String text) {
    ConfigException e = assertThrows(ConfigException.class, () -> Settings.parseDuration("convoy.probe-interval", text));
    assertEquals("convoy.probe-interval", e.key());
    assertTrue(e.getMessage().startsWith("convoy.probe-interval=" + text + ":"), e.getMessage());
  }

  @Test
  void typedLookupsWithFallbacks() {
    Settings s = Settings.of(Map.of("n", " 42 ", "b", "TRUE", "d", "3s", "a", "[::1]:9", "t", "x"));
    assertEquals(42, s.integer("n", 0));
    assertEquals(7, s.integer("missing", 7));
    assertTrue(s.bool("b", false));
    assertFalse(s.bool("missing", false));
    assertEquals(Duration.ofSeconds(3), s.duration("d", Duration.ZERO));
    assertEquals(Duration.ofSeconds(1), s.duration("missing", Duration.ofSeconds(1)));
    assertEquals(new HostPort("::1", 9), s.address("a", null));
    assertEquals("x", s.string("t", "y"));
    assertEquals("y", s.string("missing", "y"));
    assertTrue(s.has("n"));
    assertFalse(s.has("missing"));
  }

  @Test
  void badValuesNameTheirKey() {
    Settings s = Settings.of(Map.of("n", "4x", "b", "yes", "a", "nohost", "d", "soon"));
    assertEquals("n", assertThrows(ConfigException.class, () -> s.integer("n", 0)).key());
    assertEquals("b", assertThrows(ConfigException.class, () -> s.bool("b", false)).key());
    ConfigException addr = assertThrows(ConfigException.class, () -> s.address("a", null));
    assertEquals("a", addr.key());
    assertTrue(addr.getMessage().contains("nohost"), addr.getMessage());
    assertEquals("d", assertThrows(ConfigException.class, () -> s.duration("d", null)).key());
  }

  @Test
  void fromPropertiesCopies() {
    Properties p = new Properties();
    p.setProperty("x", "1");
    Settings s = Settings.of(p);
    p.setProperty("x", "2");
    assertEquals(1, s.integer("x", 0));
  }
}
