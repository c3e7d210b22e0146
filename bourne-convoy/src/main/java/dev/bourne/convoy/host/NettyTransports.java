package dev.bourne.convoy.host;

import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;

/** Builds the Netty transport a member runs on from its {@link ConvoyConfig}. */
final class NettyTransports {
  private NettyTransports() {}

  static NettyTransport start(ConvoyConfig config) {
    TransportConfig.Builder b = TransportConfig.builder()
        .bind(config.bind())
        .maxDatagramPayload(config.protocol().maxPacketBytes())
        .connectTimeout(config.requestTimeout())
        .ioThreads(1);
    config.advertise().ifPresent(b::advertise);
    return NettyTransport.start(b.build());
  }
}
