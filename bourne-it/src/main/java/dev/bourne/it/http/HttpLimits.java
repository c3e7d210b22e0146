package dev.bourne.it.http;

import dev.bourne.common.config.ConfigCheck;
import java.time.Duration;

/**
 * The HTTP API's limits on connections: how many may be open in all and from one address (one
 * more is closed at once, counted and logged), and how long a connection may stay with no byte
 * read or written (a keep-alive connection between requests included) before it is closed, so that
 * clients that connect and say nothing cannot hold every slot. The node requires the idle timeout
 * to be longer than its request timeout, so that no request still running is cut off.
 *
 * @param maxConnections connections open at once, from every address — {@code http-max-connections}
 * @param maxConnectionsPerAddress connections open at once from one IP address — {@code
 *     http-max-connections-per-address}
 * @param idleTimeout how long a connection may stay silent — {@code http-idle-timeout}
 */
public record HttpLimits(int maxConnections, int maxConnectionsPerAddress, Duration idleTimeout) {
  /** 1,024 connections, 64 from one address, 60 seconds idle. */
  public static final HttpLimits DEFAULT = new HttpLimits(1024, 64, Duration.ofSeconds(60));

  /** Validates. @throws dev.bourne.common.config.ConfigException naming the bad setting */
  public HttpLimits {
    ConfigCheck.inRange(maxConnections, 1, 1_000_000, "http-max-connections");
    ConfigCheck.inRange(maxConnectionsPerAddress, 1, maxConnections, "http-max-connections-per-address");
    ConfigCheck.positive(idleTimeout, "http-idle-timeout");
  }
}
