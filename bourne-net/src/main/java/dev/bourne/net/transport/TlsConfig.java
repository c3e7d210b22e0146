package dev.bourne.net.transport;

import dev.bourne.common.config.ConfigException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mutual TLS material for {@link NettyTransport}: this node's certificate chain and key, and the
 * certificates it trusts. Both ends present a certificate and both verify the other's, so a peer
 * without a trusted certificate can neither call nor be called. Host names are not checked: in a
 * private cluster the trust store (usually one private CA) is what admits a node.
 *
 * <p>Immutable and thread-safe.
 */
public final class TlsConfig {
  private final Path certChain;
  private final Path privateKey;
  private final Path trusted;
  private final KeyManagerFactory keyManager;
  private final TrustManagerFactory trustManager;

  private TlsConfig(
      Path certChain, Path privateKey, Path trusted, KeyManagerFactory km, TrustManagerFactory tm) {
    this.certChain = certChain;
    this.privateKey = privateKey;
    this.trusted = trusted;
    this.keyManager = km;
    this.trustManager = tm;
  }

  /**
   * TLS material from PEM files.
   *
   * @param certChain this node's certificate chain (PEM, leaf first)
   * @param privateKey this node's PKCS#8 private key (PEM, unencrypted)
   * @param trustedCerts the certificates (usually a CA) whose holders are admitted (PEM, one or more)
   * @throws ConfigException naming the key if a file is missing or unreadable
   */
  public static TlsConfig pem(Path certChain, Path privateKey, Path trustedCerts) {
    return new TlsConfig(
        readable(certChain, "net.tls.cert-chain"),
        readable(privateKey, "net.tls.private-key"),
        readable(trustedCerts, "net.tls.trusted-certs"),
        null,
        null);
  }

  /** TLS material from JSSE factories already initialised by the caller (e.g. from a keystore). */
  public static TlsConfig managers(KeyManagerFactory keyManager, TrustManagerFactory trustManager) {
    return new TlsConfig(
        null,
        null,
        null,
        Objects.requireNonNull(keyManager, "keyManager"),
        Objects.requireNonNull(trustManager, "trustManager"));
  }

  /** The context for accepted connections: requires and verifies the client's certificate. */
  SslContext serverContext() throws SSLException {
    SslContextBuilder b =
        keyManager != null
            ? SslContextBuilder.forServer(keyManager).trustManager(trustManager)
            : SslContextBuilder.forServer(certChain.toFile(), privateKey.toFile())
                .trustManager(trusted.toFile());
    return b.clientAuth(ClientAuth.REQUIRE).build();
  }

  /** The context for outgoing connections: presents this node's certificate, verifies the server. */
  SslContext clientContext() throws SSLException {
    // Identity is the trust store, not a host name: peers are dialled by IP and gossip addresses,
    // which certificates need not list. Explicit, since newer Netty versions verify by default.
    SslContextBuilder b = SslContextBuilder.forClient().endpointIdentificationAlgorithm(null);
    if (keyManager != null) {
      b.keyManager(keyManager).trustManager(trustManager);
    } else {
      b.keyManager(certChain.toFile(), privateKey.toFile()).trustManager(trusted.toFile());
    }
    return b.build();
  }

  private static Path readable(Path p, String key) {
    if (p == null) {
      throw new ConfigException(key, null, "must be set");
    }
    File f = p.toFile();
    if (!Files.isReadable(p) || !f.isFile()) {
      throw new ConfigException(key, p, "is not a readable file");
    }
    return p;
  }

  @Override
  public String toString() {
    return keyManager != null ? "TlsConfig[managers]" : "TlsConfig[pem " + certChain + "]";
  }
}
