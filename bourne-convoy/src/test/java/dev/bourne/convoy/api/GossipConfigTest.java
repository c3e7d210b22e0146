package dev.bourne.convoy.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GossipConfigTest {
  @Test
  void presetsAreValidAndOrdered() {
    assertTrue(GossipConfig.local().probeInterval().compareTo(GossipConfig.lan().probeInterval()) < 0);
    assertTrue(GossipConfig.wan().probeInterval().compareTo(GossipConfig.lan().probeInterval()) > 0);
  }

  @Test
  void badValuesNameTheirKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> GossipConfig.lan().toBuilder().probeTimeout(Duration.ofSeconds(2)).build());
    assertEquals("probeTimeout", e.key());
    assertEquals("fanout", assertThrows(ConfigException.class,
        () -> GossipConfig.lan().toBuilder().fanout(0).build()).key());
    assertEquals("maxValueBytes", assertThrows(ConfigException.class,
        () -> GossipConfig.lan().toBuilder().maxValueBytes(5000).build()).key());
  }

  @Test
  void retransmitLimitGrowsWithLnN() {
    GossipConfig c = GossipConfig.lan().toBuilder().retransmitFactor(3).build();
    assertEquals((int) Math.ceil(3 * Math.log(11)), c.retransmitLimit(10));
    assertTrue(c.retransmitLimit(1000) > c.retransmitLimit(10));
  }
}
