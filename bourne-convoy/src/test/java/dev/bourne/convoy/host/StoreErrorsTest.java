package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bourne.common.error.ErrorCode;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.Item;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each kind of bad store input gets its own stable code and changes nothing. */
class StoreErrorsTest {
  private ConvoyHost host;

  @BeforeEach
  void start() {
    host = Convoy.start(ConvoyConfig.local().build());
  }

  @AfterEach
  void stop() {
    host.shutdown();
  }

  private ErrorCode refusal(String key, String value) {
    ConvoyException e = assertThrows(ConvoyException.class, () -> host.store().put(key, value, 0));
    assertEquals(Item.ABSENT, host.store().get(key), "a refused write changed the store");
    return e.code();
  }

  @Test
  void anEmptyKeyIsABadRequestNotTooLarge() {
    assertEquals(ErrorCode.BAD_REQUEST, refusal("", "v"));
  }

  @Test
  void aReservedKeyIsReserved() {
    assertEquals(ConvoyException.RESERVED_KEY, refusal("convoy:mine", "v"));
  }

  @Test
  void oversizedKeysAndValuesAreTooLarge() {
    int maxKey = ConvoyConfig.local().build().protocol().maxKeyBytes();
    int maxValue = ConvoyConfig.local().build().protocol().maxValueBytes();
    assertEquals(ConvoyException.TOO_LARGE, refusal("k".repeat(maxKey + 1), "v"));
    assertEquals(ConvoyException.TOO_LARGE, refusal("k", "v".repeat(maxValue + 1)));
  }

  @Test
  void nullArgumentsAreNamed() {
    assertEquals("owner", assertThrows(NullPointerException.class, () -> host.storeOf(null)).getMessage());
    assertEquals("key", assertThrows(NullPointerException.class, () -> host.store().put(null, "v", 0)).getMessage());
    assertEquals("value", assertThrows(NullPointerException.class, () -> host.store().put("k", null, 0)).getMessage());
    java.util.List<dev.bourne.common.net.HostPort> withNull = java.util.Arrays.asList(host.address(), null);
    assertThrows(NullPointerException.class, () -> Convoy.join(ConvoyConfig.local().build(), withNull));
  }
}
