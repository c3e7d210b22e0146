package dev.bourne.it.http;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.it.kv.KvException;
import dev.bourne.kayak.api.EntryTooLargeException;
import dev.bourne.kayak.api.NoLeaderException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * How errors become HTTP responses: each stable code has one status; {@code 503} ones carry a
 * retry hint.
 */
final class ErrorMapping {
  /** How long a client should wait before retrying a {@code 503}. */
  static final long RETRY_AFTER_MS = 1000;

  private static final Map<String, HttpResponseStatus> STATUS = Map.ofEntries(
      Map.entry(KvException.KEY_NOT_FOUND.name(), HttpResponseStatus.NOT_FOUND),
      Map.entry(KvException.VERSION_CONFLICT.name(), HttpResponseStatus.CONFLICT),
      Map.entry(KvException.REQUEST_EXPIRED.name(), HttpResponseStatus.CONFLICT),
      Map.entry(KvException.NOT_READY.name(), HttpResponseStatus.SERVICE_UNAVAILABLE),
      Map.entry(KvException.OUTCOME_UNKNOWN.name(), HttpResponseStatus.INTERNAL_SERVER_ERROR),
      Map.entry(NoLeaderException.CODE.name(), HttpResponseStatus.SERVICE_UNAVAILABLE),
      Map.entry(ErrorCode.CLOSED.name(), HttpResponseStatus.SERVICE_UNAVAILABLE),
      Map.entry(ErrorCode.UNREACHABLE.name(), HttpResponseStatus.SERVICE_UNAVAILABLE),
      Map.entry(ErrorCode.TIMEOUT.name(), HttpResponseStatus.GATEWAY_TIMEOUT),
      Map.entry(EntryTooLargeException.CODE.name(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE),
      Map.entry(ErrorCode.BAD_REQUEST.name(), HttpResponseStatus.BAD_REQUEST),
      Map.entry("NOT_FOUND", HttpResponseStatus.NOT_FOUND),
      Map.entry("REQUEST_TOO_LARGE", HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE),
      Map.entry(KvException.REQUEST_ID_REUSED.name(), HttpResponseStatus.CONFLICT),
      Map.entry(dev.bourne.it.kv.host.GroupStore.REPLICA_FAILED.name(), HttpResponseStatus.INTERNAL_SERVER_ERROR),
      Map.entry("METHOD_NOT_ALLOWED", HttpResponseStatus.METHOD_NOT_ALLOWED),
      Map.entry("UNAUTHENTICATED", HttpResponseStatus.UNAUTHORIZED),
      Map.entry("FORBIDDEN", HttpResponseStatus.FORBIDDEN),
      Map.entry(ConvoyException.KEYRING_INCOMPLETE.name(), HttpResponseStatus.BAD_GATEWAY),
      Map.entry(ConvoyException.KEYRING_REFUSED.name(), HttpResponseStatus.CONFLICT),
      Map.entry(ConvoyException.ENCRYPTION_OFF.name(), HttpResponseStatus.CONFLICT));

  private ErrorMapping() {}

  /** An error ready to send. */
  record Mapped(HttpResponseStatus status, Views.ErrorInfo info) {}

  static Mapped map(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof BourneException b) {
      String code = b.code().name();
      HttpResponseStatus status = STATUS.getOrDefault(code, HttpResponseStatus.INTERNAL_SERVER_ERROR);
      Long version = e instanceof KvException kv && kv.currentVersion().isPresent() ? kv.currentVersion().getAsLong() : null;
      Long retry = status.equals(HttpResponseStatus.SERVICE_UNAVAILABLE) ? RETRY_AFTER_MS : null;
      return new Mapped(status, new Views.ErrorInfo(code, b.getMessage(), version, retry));
    }
    if (e instanceof TimeoutException) {
      return new Mapped(HttpResponseStatus.GATEWAY_TIMEOUT, new Views.ErrorInfo(ErrorCode.TIMEOUT.name(),
          "the request did not complete in time; a write may still apply", null, null));
    }
    if (e instanceof IllegalArgumentException) { // validation, ConfigException included
      return new Mapped(HttpResponseStatus.BAD_REQUEST, new Views.ErrorInfo(ErrorCode.BAD_REQUEST.name(),
          e.getMessage(), null, null));
    }
    return new Mapped(HttpResponseStatus.INTERNAL_SERVER_ERROR,
        new Views.ErrorInfo(ErrorCode.INTERNAL.name(), String.valueOf(e), null, null));
  }

  /** A routing or protocol error of the API itself. */
  static Mapped of(String code, String message) {
    return new Mapped(STATUS.getOrDefault(code, HttpResponseStatus.BAD_REQUEST), new Views.ErrorInfo(code, message, null, null));
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

}
