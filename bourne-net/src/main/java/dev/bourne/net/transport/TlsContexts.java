package dev.bourne.net.transport;

import dev.bourne.net.TlsConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/** Netty's TLS contexts from a {@link TlsConfig}, read from its files (or factories) each time. */
final class TlsContexts {
  private TlsContexts() {}

  /** The context for accepted connections: requires and verifies the client's certificate. */
  static SslContext server(TlsConfig tls) throws SSLException {
    SslContextBuilder b = tls.keyManager().isPresent()
        ? SslContextBuilder.forServer(tls.keyManager().get()).trustManager(tls.trustManager().get())
        : SslContextBuilder.forServer(tls.certChain().get().toFile(), tls.privateKey().get().toFile())
            .trustManager(tls.trustedCerts().get().toFile());
    return b.clientAuth(ClientAuth.REQUIRE).build();
  }

  /** The context for outgoing connections: presents this node's certificate, verifies the server. */
  static SslContext client(TlsConfig tls) throws SSLException {
    // Identity is the trust store, not a host name: peers are dialled by IP and gossip addresses,
    // which certificates need not list. Explicit, since newer Netty versions verify by default.
    SslContextBuilder b = SslContextBuilder.forClient().endpointIdentificationAlgorithm(null);
    if (tls.keyManager().isPresent()) {
      b.keyManager(tls.keyManager().get()).trustManager(tls.trustManager().get());
    } else {
      b.keyManager(tls.certChain().get().toFile(), tls.privateKey().get().toFile())
          .trustManager(tls.trustedCerts().get().toFile());
    }
    return b.build();
  }
}
