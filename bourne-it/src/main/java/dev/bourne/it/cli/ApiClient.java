package dev.bourne.it.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A small client of the node's HTTP API for the command line (the JDK's HTTP client, Jackson). */
final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String base;
  private final Duration timeout;
  private final HttpClient http;
  private final java.util.Optional<String> token;

  ApiClient(String addr, Duration timeout) {
    this(addr, timeout, java.util.Optional.empty(), java.util.Optional.empty());
  }

  /**
   * @param token the bearer token sent with every request, if any
   * @param caFile PEM certificates to trust for HTTPS instead of the JDK's trust store, if any
   * @throws IllegalArgumentException if the certificates cannot be read
   */
  ApiClient(String addr, Duration timeout, java.util.Optional<String> token, java.util.Optional<java.nio.file.Path> caFile) {
    this.base = addr.startsWith("http://") || addr.startsWith("https://") ? addr : "http://" + addr;
    this.timeout = timeout;
    this.token = token;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
    caFile.ifPresent(f -> b.sslContext(trusting(f)));
    this.http = b.build();
  }

  /** The node's answer: its status and JSON body (or text, for {@code /metrics}). */
  record Answer(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("the node's answer is not JSON: " + body, e);
      }
    }

    boolean ok() {
      return status < 400;
    }
  }

  /** The node could not be reached. */
  static final class Unreachable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreachable(String message) {
      super(message);
    }
  }

  Answer send(String method, String path, byte[] body, Map<String, String> headers) throws Unreachable {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new Unreachable("cannot reach the node at " + base + ": " + (e.getMessage() == null ? e : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted");
    }
  }

  /** A TLS context that trusts exactly the certificates in {@code pem}. */
  static javax.net.ssl.SSLContext trusting(java.nio.file.Path pem) {
    try (var in = java.nio.file.Files.newInputStream(pem)) {
      java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new IllegalArgumentException("no certificate in " + pem);
      }
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the certificates in " + pem + ": " + e.getMessage(), e);
    }
  }

  Answer get(String path) throws Unreachable {
    return send("GET", path, null, Map.of());
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A key as a path: each segment encoded, the slashes kept. */
  static String keyPath(String key) {
    StringBuilder sb = new StringBuilder("/v1/kv/");
    String[] parts = key.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        sb.append('/');
      }
      sb.append(encode(parts[i]));
    }
    return sb.toString();
  }
}
