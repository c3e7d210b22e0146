package dev.bourne.net.testing;

import dev.bourne.net.TlsConfig;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Self-signed certificates made for one test run, one per name (the name is the subject's common
 * name), and a trust bundle of them all in {@code dir}. Close to delete the files Netty made.
 */
public final class TestCertificates implements AutoCloseable {
  private final Map<String, SelfSignedCertificate> byName = new LinkedHashMap<>();
  private final Path trusted;

  /**
   * @param dir where the trust bundle is written
   * @param names the common names, each one certificate; all of them are trusted
   */
  public TestCertificates(Path dir, List<String> names) {
    StringBuilder bundle = new StringBuilder();
    try {
      for (String name : names) {
        SelfSignedCertificate c = new SelfSignedCertificate(name);
        byName.put(name, c);
        bundle.append(Files.readString(c.certificate().toPath()));
      }
      trusted = dir.resolve("trusted.pem");
      Files.writeString(trusted, bundle, StandardCharsets.US_ASCII);
    } catch (CertificateException e) {
      throw new IllegalStateException("cannot make test certificates", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Mutual TLS with {@code name}'s certificate, trusting every certificate made here. */
  public TlsConfig tls(String name) {
    SelfSignedCertificate c = byName.get(name);
    if (c == null) {
      throw new IllegalArgumentException("no test certificate for " + name);
    }
    return TlsConfig.pem(c.certificate().toPath(), c.privateKey().toPath(), trusted);
  }

  /** As {@link #tls}, with the certificate naming its holder ({@link TlsConfig#bindingIdentity()}). */
  public TlsConfig bound(String name) {
    return tls(name).bindingIdentity();
  }

  @Override
  public void close() {
    byName.values().forEach(SelfSignedCertificate::delete);
  }
}
