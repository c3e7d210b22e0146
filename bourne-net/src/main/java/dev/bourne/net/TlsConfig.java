package dev.bourne.net;

import dev.bourne.common.config.ConfigException;
import dev.bourne.common.id.NodeId;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mutual TLS material for a transport ({@code NettyTransport}, and the configurations of the
 * modules that start one): this node's certificate chain and key, and the
 * certificates it trusts. Both ends present a certificate and both verify the other's, so a peer
 * without a trusted certificate can neither call nor be called. Host names are not checked: in a
 * private cluster the trust store (usually one private CA) is what admits a node.
 *
 * <p>With {@link #bindingIdentity()}, a certificate also names its holder: the subject's common
 * name (CN) is the holder's identity, which the transport reports with every inbound request and
 * message ({@link Inbound#identity()}), so that the modules above can refuse a peer that claims to
 * be someone else (Kayak and Convoy check it against the member id a message claims).
 *
 * <p>Immutable and thread-safe.
 */
public final class TlsConfig {
  private final Path certChain;
  private final Path privateKey;
  private final Path trusted;
  private final KeyManagerFactory keyManager;
  private final TrustManagerFactory trustManager;
  private final Duration reloadEvery;
  private final boolean bindsIdentity;

  private TlsConfig(Path certChain, Path privateKey, Path trusted, KeyManagerFactory km, TrustManagerFactory tm,
      Duration reloadEvery, boolean bindsIdentity) {
    this.certChain = certChain;
    this.privateKey = privateKey;
    this.trusted = trusted;
    this.keyManager = km;
    this.trustManager = tm;
    this.reloadEvery = reloadEvery;
    this.bindsIdentity = bindsIdentity;
  }

  /**
   * This material, with each certificate naming its holder: the common name (CN) of a peer's
   * verified certificate is reported as its {@linkplain Inbound#identity() identity}, and this
   * node's own CN is {@link #ownIdentity()}. A peer whose certificate has no CN is refused.
   */
  public TlsConfig bindingIdentity() {
    return new TlsConfig(certChain, privateKey, trusted, keyManager, trustManager, reloadEvery, true);
  }

  /** Whether certificates name their holders ({@link #bindingIdentity()}). */
  public boolean bindsIdentity() {
    return bindsIdentity;
  }

  /**
   * The common name (CN) of this node's own certificate (the first of its chain), read from the
   * PEM file now: the identity its peers see when identities are bound.
   *
   * @throws ConfigException if the material is not from PEM files, the file holds no certificate,
   *     or the certificate has no CN
   */
  public String ownIdentity() {
    if (certChain == null) {
      throw new ConfigException("net.tls.cert-chain", null, "the own identity can only be read from a PEM file");
    }
    try (InputStream in = Files.newInputStream(certChain)) {
      Certificate first =
          CertificateFactory.getInstance("X.509").generateCertificate(in);
      return commonName((X509Certificate) first).orElseThrow(() ->
          new ConfigException("net.tls.cert-chain", certChain, "the certificate's subject has no common name (CN)"));
    } catch (IOException | CertificateException e) {
      throw new ConfigException("net.tls.cert-chain", certChain, "holds no readable certificate: " + e.getMessage());
    }
  }

  /**
   * The member id this node's certificate names: its common name ({@link #ownIdentity()}), which
   * must be a UUID when identities are bound.
   *
   * @throws ConfigException if the certificate cannot be read or its common name is not a UUID
   */
  public NodeId certifiedId() {
    String cn = ownIdentity();
    try {
      return NodeId.parse(cn);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("net.tls.cert-chain", certChain, "binds identity, so the certificate's common name"
          + " must be a member id (a UUID), not '" + cn + "'");
    }
  }

  /** The common name (CN) of a certificate's subject, if it has one (the most specific, if several). */
  public static Optional<String> commonName(X509Certificate cert) {
    try {
      LdapName name = new LdapName(cert.getSubjectX500Principal().getName());
      String cn = null;
      for (Rdn rdn : name.getRdns()) { // least specific first
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cn = String.valueOf(rdn.getValue());
        }
      }
      return Optional.ofNullable(cn);
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }

  /**
   * This material, with its PEM files checked every {@code interval} and loaded again when one of
   * them changed: certificates renewed on disk take effect without a restart. New connections use
   * the new material; open connections keep theirs. Material that fails to load is logged and the
   * old material stays in use.
   *
   * @throws IllegalArgumentException if the interval is not positive, or this material is not from PEM files
   */
  public TlsConfig reloadingEvery(Duration interval) {
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the reload interval must be positive, got " + interval);
    }
    if (certChain == null) {
      throw new IllegalArgumentException("only material from PEM files can be reloaded");
    }
    return new TlsConfig(certChain, privateKey, trusted, null, null, interval, bindsIdentity);
  }

  /** How often the PEM files are checked for changes, if at all. */
  public Optional<Duration> reloadEvery() {
    return Optional.ofNullable(reloadEvery);
  }

  /**
   * A stamp of the PEM files (each one's size and modification time) that changes when one of them
   * does: how a transport knows to load them again. Empty for factories.
   */
  public String fileStamp() {
    if (certChain == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (Path p : new Path[] {certChain, privateKey, trusted}) {
      File f = p.toFile();
      sb.append(f.length()).append('@').append(f.lastModified()).append(';');
    }
    return sb.toString();
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
        null,
        null,
        false);
  }

  /** TLS material from JSSE factories already initialised by the caller (e.g. from a keystore). */
  public static TlsConfig managers(KeyManagerFactory keyManager, TrustManagerFactory trustManager) {
    return new TlsConfig(
        null,
        null,
        null,
        Objects.requireNonNull(keyManager, "keyManager"),
        Objects.requireNonNull(trustManager, "trustManager"),
        null,
        false);
  }

  /** This node's certificate chain (PEM), unless the material comes from factories. */
  public Optional<Path> certChain() {
    return Optional.ofNullable(certChain);
  }

  /** This node's private key (PEM), unless the material comes from factories. */
  public Optional<Path> privateKey() {
    return Optional.ofNullable(privateKey);
  }

  /** The trusted certificates (PEM), unless the material comes from factories. */
  public Optional<Path> trustedCerts() {
    return Optional.ofNullable(trusted);
  }

  /** The key manager, when the material comes from factories. */
  public Optional<KeyManagerFactory> keyManager() {
    return Optional.ofNullable(keyManager);
  }

  /** The trust manager, when the material comes from factories. */
  public Optional<TrustManagerFactory> trustManager() {
    return Optional.ofNullable(trustManager);
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
    return (keyManager != null ? "TlsConfig[managers" : "TlsConfig[pem " + certChain)
        + (bindsIdentity ? ", binding identity]" : "]");
  }
}
