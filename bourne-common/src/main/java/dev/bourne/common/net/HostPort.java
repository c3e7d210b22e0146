package dev.bourne.common.net;

import com.google.common.net.InetAddresses;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A network endpoint as text: a host (IPv4 literal, IPv6 literal or host name) and a port.
 * Immutable; no name resolution happens until {@link #toSocketAddress()}.
 *
 * <p>Text form: {@code host:port}, {@code 10.0.0.1:7946}, {@code [::1]:7946}. IPv6 literals must
 * be bracketed so that the port is unambiguous.
 *
 * @param host the host name or address literal, without brackets
 * @param port 0 to 65535 (0 means "any free port" when binding)
 */
public record HostPort(String host, int port) {
  /**
   * @throws IllegalArgumentException if the host is empty or malformed or the port out of range
   */
  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port + " for host " + host);
    }
    if (host.indexOf(':') >= 0 && !InetAddresses.isInetAddress(host)) {
      throw new IllegalArgumentException("not a valid IPv6 address: '" + host + "'");
    }
    if (host.indexOf(':') < 0 && !InetAddresses.isInetAddress(host) && !isHostName(host)) {
      throw new IllegalArgumentException("not a valid host name or address: '" + host + "'");
    }
  }

  /**
   * Parses {@code host:port} or {@code [ipv6]:port}.
   *
   * @throws IllegalArgumentException with a message quoting the input when it is malformed
   */
  public static HostPort parse(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.strip();
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
        throw bad(text, "expected [ipv6]:port");
      }
      host = s.substring(1, close);
      port = s.substring(close + 2);
      if (!InetAddresses.isInetAddress(host) || host.indexOf(':') < 0) {
        throw bad(text, "'" + host + "' is not an IPv6 address");
      }
    } else {
      int colon = s.lastIndexOf(':');
      if (colon < 0) {
        throw bad(text, "missing ':port'");
      }
      if (s.indexOf(':') != colon) {
        throw bad(text, "IPv6 addresses must be written as [address]:port");
      }
      host = s.substring(0, colon);
      port = s.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw bad(text, "missing host");
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw bad(text, "port '" + port + "' is not a number");
    }
    if (p < 0 || p > 65535) {
      throw bad(text, "port " + p + " is out of range 0..65535");
    }
    try {
      return new HostPort(host, p);
    } catch (IllegalArgumentException e) {
      throw bad(text, e.getMessage());
    }
  }

  /** A host/port for an already-resolved socket address (uses the literal IP). */
  public static HostPort of(InetSocketAddress address) {
    Objects.requireNonNull(address, "address");
    String host =
        address.getAddress() != null
            ? InetAddresses.toAddrString(address.getAddress())
            : address.getHostString();
    return new HostPort(host, address.getPort());
  }

  /** True if the host is the wildcard address (0.0.0.0 or ::), which is never routable. */
  public boolean isWildcard() {
    return host.equals("0.0.0.0") || (host.indexOf(':') >= 0 && InetAddresses.forString(host).isAnyLocalAddress());
  }

  /** An unresolved-if-needed socket address; literal IPs are used as they are. */
  public InetSocketAddress toSocketAddress() {
    return InetAddresses.isInetAddress(host)
        ? new InetSocketAddress(InetAddresses.forString(host), port)
        : new InetSocketAddress(host, port);
  }

  /** {@code host:port}, with IPv6 hosts in brackets; {@link #parse} reads it back. */
  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }

  private static boolean isHostName(String h) {
    if (h.length() > 253) {
      return false;
    }
    for (String label : h.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_') {
          return false;
        }
      }
    }
    return true;
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("invalid address '" + text + "': " + why);
  }
}
