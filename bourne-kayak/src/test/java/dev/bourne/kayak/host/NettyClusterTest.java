package dev.bourne.kayak.host;

import dev.bourne.common.net.HostPort;
import dev.bourne.net.Transport;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;

/** The cluster scenarios on real sockets: NettyTransport on 127.0.0.1, port 0 (or the same port on restart). */
class NettyClusterTest extends ClusterScenarios {
  @Override
  Transport transport(HostPort bind) {
    return NettyTransport.start(TransportConfig.builder().bind(bind).ioThreads(1).build());
  }
}
