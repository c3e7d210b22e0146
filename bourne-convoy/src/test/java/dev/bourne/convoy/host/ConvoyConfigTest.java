package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bourne.common.config.ConfigException;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.ConvoyConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConvoyConfigTest {
  @Test
  void aWildcardBindNeedsARoutableAdvertiseAddress() {
    assertEquals("advertise", assertThrows(ConfigException.class,
        () -> ConvoyConfig.lan().bind(new HostPort("0.0.0.0", 7946)).build()).key());
    assertEquals("advertise", assertThrows(ConfigException.class,
        () -> ConvoyConfig.lan().advertise(new HostPort("0.0.0.0", 7946)).build()).key());
    ConvoyConfig ok = ConvoyConfig.lan().bind(new HostPort("0.0.0.0", 0)).advertise(new HostPort("10.1.2.3", 0)).build();
    assertEquals(new HostPort("10.1.2.3", 5000), ok.advertised(5000));
  }

  @Test
  void badHostSettingsNameTheirKey() {
    assertEquals("joinAttempts", assertThrows(ConfigException.class,
        () -> ConvoyConfig.local().joinAttempts(0).build()).key());
    assertEquals("tickInterval", assertThrows(ConfigException.class,
        () -> ConvoyConfig.local().tickInterval(Duration.ofSeconds(1)).build()).key());
  }
}
