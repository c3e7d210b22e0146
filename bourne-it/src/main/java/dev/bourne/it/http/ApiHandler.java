package dev.bourne.it.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.convoy.api.GossipKey;
import dev.bourne.convoy.api.GossipKeyring;
import dev.bourne.convoy.api.KeyringException;
import dev.bourne.convoy.api.KeyringReport;
import dev.bourne.it.kv.core.RequestId;
import dev.bourne.it.kv.core.Versioned;
import dev.bourne.it.metrics.KvMetrics;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one HTTP request: routes it, runs it on the backend without blocking the event loop, and
 * answers with JSON (or the Prometheus text format on {@code /metrics}). Every failure is a JSON
 * error with its stable code.
 */
@ChannelHandler.Sharable
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  /** The header that names the client for exactly-once writes. */
  static final String CLIENT_HEADER = "Bourne-Client-Id";
  /** The header that numbers the client's request. */
  static final String SEQ_HEADER = "Bourne-Request-Seq";
  private static final String KV = "/v1/kv";
  private static final String GROUPS = "/v1/groups";
  private static final int DEFAULT_LIST_LIMIT = 1000;

  private static final String KEYRING = "/v1/keyring";
  private final Backend backend;
  private final KvMetrics metrics;
  private final HttpAccess access;
  // Thread-safe once configured; shared by every connection.
  private static final ObjectMapper JSON = new ObjectMapper();

  ApiHandler(Backend backend, KvMetrics metrics, HttpAccess access) {
    this.backend = backend;
    this.metrics = metrics;
    this.access = access;
  }

  /** A response to send: a status, a content type and a body. */
  private record Reply(HttpResponseStatus status, String code, String contentType, byte[] body, Long retryAfterMs) {}

  // The reply last queued on each connection: replies leave in request order even when later
  // requests finish first (HTTP/1.1 pipelining).
  private static final io.netty.util.AttributeKey<CompletableFuture<Void>> LAST_REPLY =
      io.netty.util.AttributeKey.valueOf("bourne.lastReply");

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    long start = System.nanoTime();
    boolean malformed = !req.decoderResult().isSuccess();
    // After a decoding failure the codec drops the rest of the connection: close it after the answer.
    boolean keepAlive = !malformed && HttpUtil.isKeepAlive(req);
    String op = "other";
    CompletableFuture<Reply> reply;
    try {
      if (malformed) {
        reply = CompletableFuture.completedFuture(error(ErrorMapping.of(ErrorCode.BAD_REQUEST.name(), "malformed HTTP request")));
      } else {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path(); // decodes %XX; throws on a malformed escape
        op = operation(req.method(), path);
        String[] refused = access.refusal(kind(req.method(), path), req.headers().get(HttpHeaderNames.AUTHORIZATION));
        reply = refused != null ? CompletableFuture.completedFuture(error(ErrorMapping.of(refused[0], refused[1])))
            : route(req.method(), path, uri.parameters(), ByteBufUtil.getBytes(req.content()), req);
      }
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    String measured = op;
    CompletableFuture<Reply> answer = reply.exceptionally(e -> error(ErrorMapping.map(e)));
    io.netty.util.Attribute<CompletableFuture<Void>> last = ctx.channel().attr(LAST_REPLY);
    CompletableFuture<Void> previous = last.get() == null ? CompletableFuture.completedFuture(null) : last.get();
    // Sent on the connection's event loop, always: a write from another thread is queued behind
    // whatever the loop is doing, so a later reply sent directly on the loop would overtake it.
    last.set(previous.thenCombine(answer, (v, r) -> r).thenAcceptAsync(r -> {
      metrics.record(measured, r.code(), System.nanoTime() - start);
      send(ctx, r, keepAlive);
    }, ctx.executor()));
  }

  /** Sends the JSON error for a request body over the size limit, then closes the connection. */
  static void refuseOversized(ChannelHandlerContext ctx, long limit) {
    send(ctx, error(ErrorMapping.of("REQUEST_TOO_LARGE", "the request body is larger than " + limit + " bytes")), false);
  }

  /** Reads are GETs outside the keyring; the keyring is admin; everything else writes. */
  private static HttpAccess.Kind kind(HttpMethod method, String path) {
    if (path.equals(KEYRING) || path.startsWith(KEYRING + "/")) {
      return HttpAccess.Kind.ADMIN;
    }
    return method.equals(HttpMethod.GET) ? HttpAccess.Kind.READ : HttpAccess.Kind.WRITE;
  }

  private static String operation(HttpMethod method, String path) {
    if (path.startsWith(KV + "/")) {
      return method.name().toLowerCase(java.util.Locale.ROOT);
    }
    if (path.equals(KV)) {
      return "list";
    }
    return switch (path) {
      case "/v1/members", "/v1/groups", "/v1/status", "/metrics", KEYRING -> path.substring(path.lastIndexOf('/') + 1);
      default -> path.startsWith(GROUPS + "/") && path.endsWith("/log") ? "log" : "other";
    };
  }

  private CompletableFuture<Reply> route(HttpMethod method, String path, Map<String, List<String>> params, byte[] body,
      FullHttpRequest req) {
    if (path.startsWith(KV + "/")) {
      String key = path.substring(KV.length() + 1);
      if (method.equals(HttpMethod.GET)) {
        return backend.kv().get(key, flag(params, "stale")).thenApply(v -> v.map(value -> ok(keyValue(key, value)))
            .orElseGet(() -> error(ErrorMapping.of("KEY_NOT_FOUND", "no key '" + key + "'"))));
      }
      if (method.equals(HttpMethod.PUT)) {
        return backend.kv().put(key, utf8(body), version(params), requestId(req))
            .thenApply(w -> ok(new Views.WriteResult(key, w.version(), w.previous())));
      }
      if (method.equals(HttpMethod.DELETE)) {
        return backend.kv().delete(key, version(params), requestId(req))
            .thenApply(d -> ok(new Views.WriteResult(key, d.version(), d.previous())));
      }
      return notAllowed(method, path, "GET, PUT, DELETE");
    }
    if (path.startsWith(KEYRING + "/")) {
      if (!method.equals(HttpMethod.POST)) {
        return notAllowed(method, path, "POST");
      }
      return keyringChange(path.substring(KEYRING.length() + 1), body);
    }
    if (!method.equals(HttpMethod.GET)) {
      return notAllowed(method, path, "GET");
    }
    if (path.startsWith(GROUPS + "/") && path.endsWith("/log") && path.length() > GROUPS.length() + "//log".length()) {
      String group = path.substring(GROUPS.length() + 1, path.length() - "/log".length());
      long from = first(params, "from").map(v -> parseLong("from", v)).orElse(1L);
      int limit = integer(params, "limit").orElse(DEFAULT_LIST_LIMIT);
      return backend.log(group, from, limit).thenApply(page -> page.map(this::ok)
          .orElseGet(() -> error(ErrorMapping.of("NOT_FOUND", "no group '" + group + "' on this node"))));
    }
    return switch (path) {
      case KV -> {
        int limit = integer(params, "limit").orElse(DEFAULT_LIST_LIMIT);
        yield backend.kv().list(first(params, "prefix").orElse(""), limit, flag(params, "stale"))
            .thenApply(l -> ok(new Views.Listing(l.items().stream().map(e -> keyValue(e.getKey(), e.getValue())).toList(),
                l.truncated())));
      }
      case "/v1/members" -> CompletableFuture.completedFuture(ok(backend.members(flag(params, "all"))));
      case GROUPS -> CompletableFuture.completedFuture(ok(backend.groups()));
      case "/v1/status" -> CompletableFuture.completedFuture(ok(backend.status()));
      case "/metrics" -> CompletableFuture.completedFuture(metricsText());
      case KEYRING -> keyringReply(backend.keyring().list());
      default -> CompletableFuture.completedFuture(error(ErrorMapping.of("NOT_FOUND", "no such resource: " + path)));
    };
  }

  /** {@code POST /v1/keyring/{install,use,remove,rotate}} with {@code {"key": "<base64>"}}. */
  private CompletableFuture<Reply> keyringChange(String op, byte[] body) {
    GossipKey key;
    try {
      com.fasterxml.jackson.databind.JsonNode json = JSON.readTree(body);
      if (json == null || !json.path("key").isTextual()) {
        throw new IllegalArgumentException("the body must be {\"key\": \"<base64 key>\"}");
      }
      key = GossipKey.parse(json.path("key").asText());
    } catch (IOException e) {
      throw new IllegalArgumentException("the body must be JSON: {\"key\": \"<base64 key>\"}");
    }
    GossipKeyring ring = backend.keyring();
    return switch (op) {
      case "install" -> keyringReply(ring.install(key));
      case "use" -> keyringReply(ring.use(key));
      case "remove" -> keyringReply(ring.remove(key));
      case "rotate" -> keyringReply(ring.rotate(key));
      default -> CompletableFuture.completedFuture(error(ErrorMapping.of("NOT_FOUND",
          "no keyring operation '" + op + "' (install, use, remove, rotate)")));
    };
  }

  /** The report, or for an operation that did not reach every member its error with the report. */
  private CompletableFuture<Reply> keyringReply(CompletableFuture<KeyringReport> f) {
    return f.handle((report, err) -> {
      if (err == null) {
        return ok(Views.KeyringInfo.of(report));
      }
      Throwable c = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
      if (c instanceof KeyringException k) {
        ErrorMapping.Mapped m = ErrorMapping.map(k);
        return new Reply(m.status(), m.info().code(), "application/json",
            write(new Views.KeyringErrorBody(m.info(), Views.KeyringInfo.of(k.report()))), null);
      }
      return error(ErrorMapping.map(c));
    });
  }

  private Reply metricsText() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      backend.scrape(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new Reply(HttpResponseStatus.OK, "OK", "text/plain; version=0.0.4; charset=utf-8", out.toByteArray(), null);
  }

  private static CompletableFuture<Reply> notAllowed(HttpMethod method, String path, String allowed) {
    return CompletableFuture.completedFuture(error(ErrorMapping.of("METHOD_NOT_ALLOWED",
        method + " is not allowed on " + path + " (allowed: " + allowed + ")")));
  }

  private static Views.KeyValue keyValue(String key, Versioned v) {
    return new Views.KeyValue(key, new String(v.value(), StandardCharsets.UTF_8), v.version());
  }

  private static byte[] utf8(byte[] body) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the value must be UTF-8 text");
    }
    return body;
  }

  private static Optional<RequestId> requestId(FullHttpRequest req) {
    String client = req.headers().get(CLIENT_HEADER);
    String seq = req.headers().get(SEQ_HEADER);
    if (client == null && seq == null) {
      return Optional.empty();
    }
    if (client == null || seq == null) {
      throw new IllegalArgumentException("give both " + CLIENT_HEADER + " and " + SEQ_HEADER + ", or neither");
    }
    try {
      return Optional.of(RequestId.of(client, Long.parseLong(seq.strip())));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(SEQ_HEADER + " must be a number, got '" + seq + "'");
    }
  }

  private static Optional<Long> version(Map<String, List<String>> params) {
    return first(params, "version").map(v -> {
      try {
        long n = Long.parseLong(v.strip());
        if (n < 0) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("version must be 0 (absent) or a version number, got '" + v + "'");
      }
    });
  }

  private static long parseLong(String name, String v) {
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
    }
  }

  private static Optional<Integer> integer(Map<String, List<String>> params, String name) {
    return first(params, name).map(v -> {
      try {
        return Integer.parseInt(v.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
      }
    });
  }

  private static boolean flag(Map<String, List<String>> params, String name) {
    return first(params, name).map(v -> !v.equalsIgnoreCase("false")).orElse(false);
  }

  private static Optional<String> first(Map<String, List<String>> params, String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  private Reply ok(Object body) {
    return new Reply(HttpResponseStatus.OK, "OK", "application/json", write(body), null);
  }

  private static Reply error(ErrorMapping.Mapped m) {
    return new Reply(m.status(), m.info().code(), "application/json", write(new Views.ErrorBody(m.info())),
        m.info().retryAfterMs());
  }

  private static byte[] write(Object body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
    }
  }

  private static void send(ChannelHandlerContext ctx, Reply r, boolean keepAlive) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(), Unpooled.wrappedBuffer(r.body()));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    if (r.retryAfterMs() != null) {
      res.headers().set(HttpHeaderNames.RETRY_AFTER, Math.max(1, r.retryAfterMs() / 1000));
    }
    if (keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(res);
    } else {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
