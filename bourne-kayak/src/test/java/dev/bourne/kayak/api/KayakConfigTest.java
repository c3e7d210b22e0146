package dev.bourne.kayak.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bourne.common.config.ConfigException;
import dev.bourne.common.net.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KayakConfigTest {
  @Test
  void defaultsAreValid() {
    KayakConfig c = KayakConfig.builder(Path.of("data")).build();
    assertEquals(Duration.ofMillis(500), c.electionTimeout());
    assertEquals(new HostPort("127.0.0.1", 0), c.bind());
  }

  @Test
  void invalidValuesNameTheirKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> KayakConfig.builder(Path.of("d")).ticks(5, 5).build());
    assertEquals("kayak.heartbeat-ticks", e.key());
    e = assertThrows(ConfigException.class,
        () -> KayakConfig.builder(Path.of("d")).bind(new HostPort("0.0.0.0", 1)).build());
    assertEquals("kayak.bind", e.key());
    e = assertThrows(ConfigException.class,
        () -> KayakConfig.builder(Path.of("d")).maxEntryBytes(2 << 20).build());
    assertEquals("kayak.max-entry-bytes", e.key());
    e = assertThrows(ConfigException.class,
        () -> KayakConfig.builder(Path.of("d")).appendTimeout(Duration.ZERO).build());
    assertEquals("kayak.append-timeout", e.key());
  }
}
