package dev.bourne.net.internal;

import com.google.protobuf.ByteString;
import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.net.RemoteException;
import dev.bourne.net.wire.Envelope;
import dev.bourne.net.wire.RemoteError;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Builds and reads {@link Envelope}s the same way for every transport. Part of bourne-net's
 * internals, not its API. Stateless and thread-safe.
 */
public final class Envelopes {
  /** The most bytes of method name and source address an envelope may carry beyond its payload. */
  public static final int HEADER_ALLOWANCE = 512;

  private Envelopes() {}

  /** A request expecting a response or error with the same correlation id. */
  public static Envelope request(long id, String method, byte[] payload, String source) {
    return Envelope.newBuilder()
        .setCorrelationId(id)
        .setKind(Envelope.Kind.REQUEST)
        .setMethod(method)
        .setPayload(ByteString.copyFrom(payload))
        .setSource(source)
        .build();
  }

  /** A one-way message (also the form of every datagram). */
  public static Envelope oneWay(String method, byte[] payload, String source) {
    return Envelope.newBuilder()
        .setKind(Envelope.Kind.ONE_WAY)
        .setMethod(method)
        .setPayload(ByteString.copyFrom(payload))
        .setSource(source)
        .build();
  }

  /** The successful reply to request {@code id}. */
  public static Envelope response(long id, byte[] payload) {
    return Envelope.newBuilder()
        .setCorrelationId(id)
        .setKind(Envelope.Kind.RESPONSE)
        .setPayload(ByteString.copyFrom(payload))
        .build();
  }

  /** The failed reply to request {@code id}. */
  public static Envelope error(long id, ErrorCode code, String message, byte[] detail) {
    return Envelope.newBuilder()
        .setCorrelationId(id)
        .setKind(Envelope.Kind.ERROR)
        .setError(
            RemoteError.newBuilder()
                .setCode(code.name())
                .setMessage(message == null ? "" : message)
                .setDetail(ByteString.copyFrom(detail)))
        .build();
  }

  /**
   * The failed reply to request {@code id} for a handler failure: a {@link BourneException} keeps
   * its code, message and detail; anything else becomes {@code INTERNAL} with the exception's class
   * and message (never its stack trace).
   */
  public static Envelope error(long id, Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof BourneException b) {
      return error(id, b.code(), b.getMessage(), b.detail());
    }
    return error(id, ErrorCode.INTERNAL, t.toString(), new byte[0]);
  }

  /**
   * The exception a caller sees for an ERROR envelope. A code that is not a valid {@link
   * ErrorCode} name (a broken or hostile peer) is reported as {@code INTERNAL}.
   */
  public static RemoteException toException(Envelope error) {
    RemoteError e = error.getError();
    ErrorCode code;
    String message = e.getMessage();
    try {
      code = new ErrorCode(e.getCode());
    } catch (IllegalArgumentException bad) {
      code = ErrorCode.INTERNAL;
      message = "peer sent an invalid error code '" + e.getCode() + "': " + message;
    }
    return new RemoteException(code, message, e.getDetail().toByteArray());
  }

  /** Strips the wrappers that futures add around a failure. */
  public static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof CompletionException || cur instanceof ExecutionException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }
}
