package dev.bourne.kayak.host;

import dev.bourne.common.net.HostPort;
import dev.bourne.net.Transport;

/** The cluster scenarios over the in-JVM transport. */
class LocalClusterTest extends ClusterScenarios {
  @Override
  Transport transport(HostPort bind) {
    return bind.port() == 0 ? new LocalTransport() : new LocalTransport(bind);
  }
}
