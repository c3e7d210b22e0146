package dev.bourne.common.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
  @ParameterizedTest
  @ValueSource(strings = {"", "lower", "1ABC", "A-B", "A B"})
  void rejectsMalformedNames(String name) {
    assertThrows(IllegalArgumentException.class, () -> new ErrorCode(name));
  }

  @Test
  void exceptionsCarryTheirCodes() {
    assertEquals(ErrorCode.CLOSED, new ClosedException("x").code());
    assertEquals(ErrorCode.TIMEOUT, new TimedOutException("x").code());
    assertEquals(0, new BourneException(new ErrorCode("NOT_LEADER"), "m").detail().length);
    assertEquals("BourneException[NOT_LEADER]: m", new BourneException(new ErrorCode("NOT_LEADER"), "m").toString());
  }
}
