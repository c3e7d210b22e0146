package dev.bourne.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HostPortTest {
  @ParameterizedTest
  @CsvSource({
    "10.0.0.1:7946, 10.0.0.1, 7946",
    "localhost:0, localhost, 0",
    "node-1.bourne.test:65535, node-1.bourne.test, 65535",
    "'  host:80  ', host, 80",
    "[::1]:7946, ::1, 7946",
    "[2001:db8::7]:1, 2001:db8::7, 1",
  })
  void parsesValidForms(String text, String host, int port) {
    HostPort hp = HostPort.parse(text);
    assertEquals(host, hp.host());
    assertEquals(port, hp.port());
    assertEquals(hp, HostPort.parse(hp.toString()), "toString reads back");
  }

  @Test
  void ipv6IsBracketedInText() {
    assertEquals("[::1]:80", new HostPort("::1", 80).toString());
    assertEquals("1.2.3.4:80", new HostPort("1.2.3.4", 80).toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "host| missing ':port'",
    ":80| missing host",
    "host:abc| is not a number",
    "host:65536| out of range",
    "host:-1| out of range",
    "::1:80| must be written as [address]:port",
    "[::1]| expected [ipv6]:port",
    "[::1]80| expected [ipv6]:port",
    "[1.2.3.4]:80| is not an IPv6 address",
    "[zz::1]:80| is not an IPv6 address",
    "bad host:80| not a valid host name",
    "-lead.example:80| not a valid host name",
    "a..b:80| not a valid host name",
  })
  void rejectsMalformedInputQuotingIt(String text, String why) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    assertTrue(e.getMessage().contains(why.strip()), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 65536})
  void constructorChecksThePort(int port) {
    assertThrows(IllegalArgumentException.class, () -> new HostPort("h", port));
  }

  @Test
  void constructorChecksTheHost() {
    assertThrows(IllegalArgumentException.class, () -> new HostPort("", 1));
    assertThrows(NullPointerException.class, () -> new HostPort(null, 1));
    assertThrows(IllegalArgumentException.class, () -> new HostPort("1:2:zz", 1));
    assertThrows(IllegalArgumentException.class, () -> new HostPort("a".repeat(64) + ".com", 1));
  }

  @Test
  void wildcardsAreRecognised() {
    assertTrue(new HostPort("0.0.0.0", 1).isWildcard());
    assertTrue(new HostPort("::", 1).isWildcard());
    assertTrue(new HostPort("0:0:0:0:0:0:0:0", 1).isWildcard());
    assertFalse(new HostPort("127.0.0.1", 1).isWildcard());
    assertFalse(new HostPort("::1", 1).isWildcard());
    assertFalse(new HostPort("localhost", 1).isWildcard());
  }

  @Test
  void socketAddressConversionKeepsLiteralsUnresolvedFree() {
    InetSocketAddress a = new HostPort("127.0.0.1", 5).toSocketAddress();
    assertFalse(a.isUnresolved());
    assertEquals(5, a.getPort());
    assertEquals(new HostPort("127.0.0.1", 5), HostPort.of(a));
    assertEquals(new HostPort("::1", 6), HostPort.of(new HostPort("::1", 6).toSocketAddress()));
  }
}
