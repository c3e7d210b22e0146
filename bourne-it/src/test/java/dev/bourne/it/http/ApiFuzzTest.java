package dev.bourne.it.http;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bourne.convoy.api.GossipKeyring;
import dev.bourne.it.kv.KvException;
import dev.bourne.it.kv.host.KvService;
import dev.bourne.it.metrics.KvMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile HTTP requests for the API's request handling (routing, paths and their escapes, query
 * parameters, headers, bodies, the token check), generated with jqwik: random methods, paths built
 * from hostile pieces, random queries, headers and bodies, and raw bytes. Every request gets one
 * JSON answer with a status the API documents, never a 500 from the handler itself, and never a
 * write or admin call without the token. The backend is a stand-in that serves nothing.
 */
class ApiFuzzTest {
  private static final String TOKEN = "fuzz-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 401, 403, 404, 405, 409, 413, 502, 503, 504);

  /** A node that has not joined its groups: the key/value service is not ready, the rest is empty. */
  static final Backend NOT_READY = new Backend() {
    @Override
    public KvService kv() {
      throw new KvException(KvException.NOT_READY, "not ready (fuzz stand-in)");
    }

    @Override
    public List<Views.MemberInfo> members(boolean all) {
      return List.of();
    }

    @Override
    public CompletableFuture<Optional<Views.LogPage>> log(String group, long from, int limit) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public List<Views.GroupInfo> groups() {
      return List.of();
    }

    @Override
    public GossipKeyring keyring() {
      throw new KvException(KvException.NOT_READY, "no keyring (fuzz stand-in)");
    }

    @Override
    public Views.StatusInfo status() {
      return new Views.StatusInfo("id", "127.0.0.1:1", "127.0.0.1:2", false, List.of(), 0, 0, 0);
    }

    @Override
    public void scrape(OutputStream out) {
      // nothing to report
    }
  };

  private static EmbeddedChannel channel() {
    ApiHandler handler = new ApiHandler(NOT_READY, new KvMetrics(new PrometheusRegistry()),
        new HttpAccess(Optional.of(TOKEN), false));
    return new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), handler);
  }

  /** A request's parts, from which it is written out as HTTP/1.1 bytes. */
  record Request(String method, String target, String headers, String body) {
    String text() {
      byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
      return method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + headers + "Content-Length: " + bodyBytes.length
          + "\r\n\r\n" + body;
    }

    /**
     * A read is a GET outside the keyring, judged, as the handler does, by the decoded path (so
     * {@code /v1/%6Beyring} is the keyring); a target that does not decode is not a read.
     */
    boolean isRead() {
      if (!method.equals("GET")) {
        return false;
      }
      try {
        String path = new QueryStringDecoder(target).path();
        return !(path.equals("/v1/keyring") || path.startsWith("/v1/keyring/"));
      } catch (IllegalArgumentException undecodable) {
        return false;
      }
    }
  }

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<String> method = Arbitraries.of(METHODS);
    Arbitrary<String> piece = Arbitraries.oneOf(Arbitraries.of("v1", "kv", "keyring", "groups", "log", "members",
        "status", "metrics", "install", "rotate", "..", ".", "%", "%zz", "%00", "%2F", "%6Beyring", "%c3%28", "%C3%A9",
        "", "a+b", ";", "x".repeat(300)), Arbitraries.strings().alpha().numeric().withChars("-_.~%").ofMaxLength(12));
    Arbitrary<String> path = piece.list().ofMaxSize(6).map(l -> "/" + String.join("/", l));
    Arbitrary<String> query = Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.of("?stale", "?version=3",
        "?version=-1", "?version=99999999999999999999", "?version=x", "?limit=0", "?limit=-5", "?limit=1e9",
        "?from=abc", "?prefix=%", "?all=maybe", "?limit=10001"),
        Arbitraries.strings().alpha().numeric().withChars("=&%").ofMaxLength(20).map(q -> "?" + q));
    Arbitrary<String> header = Arbitraries.of(HEADERS);
    Arbitrary<String> body = Arbitraries.oneOf(Arbitraries.of("", "{\"key\": \"AAAA\"}", "{\"key\": 5}", "{",
        "\u00ff\u00fe", "null", "[]"), Arbitraries.strings().ofMaxLength(40));
    return Combinators.combine(method, path, query, header, body).as((m, p, q, h, b) -> new Request(m, p + q, h, b));
  }

  static final List<String> METHODS = List.of("GET", "PUT", "DELETE", "POST", "PATCH", "HEAD", "OPTIONS");
  static final List<String> HEADERS = List.of("", "Authorization: Bearer " + TOKEN + "\r\n",
      "Authorization: Bearer x\r\n", "Authorization: \r\n", "Bourne-Client-Id: c\r\nBourne-Request-Seq: z\r\n",
      "Bourne-Request-Seq: 5\r\n", "Bourne-Client-Id: c\r\nBourne-Request-Seq: 9\r\n",
      "Content-Type: application/json\r\n");

  @Property(seed = "20261231")
  void everyRequestGetsOneDocumentedAnswer(@ForAll("requests") Request request) throws Exception {
    checkRequest(request);
  }

  /**
   * The oracle for a well-formed request: one JSON answer with a documented status, and a write or
   * admin call without the token refused.
   */
  static void checkRequest(Request request) throws Exception {
    String text = request.text();
    EmbeddedChannel ch = channel();
    try {
      ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      ch.runPendingTasks();
      Answer answer = read(ch);
      assertNotNull(answer.status, "no answer to " + text);
      assertTrue(DOCUMENTED.contains(answer.status), answer.status + " for " + text + ": " + answer.body);
      if (!request.method().equals("HEAD") && !(answer.status == 200 && text.startsWith("GET /metrics"))) {
        JSON.readTree(answer.body); // JSON, whatever happened
      }
      if (!request.isRead() && !request.headers().contains("Bearer " + TOKEN + "\r\n")) {
        assertTrue(answer.status == 401 || answer.status == 400,
            "a write or admin call without the token got " + answer.status + ": " + text);
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Property(seed = "20261232")
  void rawBytesNeverBreakTheHandler(@ForAll byte[] bytes) {
    checkRawBytes(bytes);
  }

  /** The oracle for any bytes: the handler answers with a documented status or not at all. */
  static void checkRawBytes(byte[] bytes) {
    EmbeddedChannel ch = channel();
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes));
      ch.runPendingTasks();
      Answer answer = read(ch);
      if (answer.status != null) {
        assertTrue(DOCUMENTED.contains(answer.status), answer.status + ": " + answer.body);
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  private record Answer(Integer status, String body) {}

  /** What the handler wrote, encoded by the codec back to bytes, parsed just enough. */
  private static Answer read(EmbeddedChannel ch) {
    StringBuilder out = new StringBuilder();
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      if (o instanceof ByteBuf b) {
        out.append(b.toString(StandardCharsets.UTF_8));
        b.release();
      }
    }
    String text = out.toString();
    if (!text.startsWith("HTTP/1.1 ")) {
      return new Answer(null, text);
    }
    int status = Integer.parseInt(text.substring(9, 12));
    int bodyAt = text.indexOf("\r\n\r\n");
    return new Answer(status, bodyAt < 0 ? "" : text.substring(bodyAt + 4));
  }
}
