package dev.bourne.net.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.error.ErrorCode;
import dev.bourne.common.error.TimedOutException;
import dev.bourne.net.RemoteException;
import dev.bourne.net.wire.Envelope;
import dev.bourne.net.wire.RemoteError;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class EnvelopesTest {
  @Test
  void bourneFailuresKeepCodeMessageAndDetailOthersBecomeInternal() {
    Envelope e = Envelopes.error(5, new CompletionException(new TimedOutException("slow")));
    assertEquals(5, e.getCorrelationId());
    assertEquals("TIMEOUT", e.getError().getCode());
    assertEquals("slow", e.getError().getMessage());
    Envelope i = Envelopes.error(6, new IllegalStateException("oops"));
    assertEquals("INTERNAL", i.getError().getCode());
    assertTrue(i.getError().getMessage().contains("IllegalStateException: oops"));
    RemoteException back = Envelopes.toException(Envelopes.error(7, new ErrorCode("NOT_LEADER"), "m", new byte[] {9}));
    assertEquals(new ErrorCode("NOT_LEADER"), back.code());
    assertArrayEquals(new byte[] {9}, back.detail());
  }

  @Test
  void anInvalidCodeFromAPeerBecomesInternal() {
    Envelope bad = Envelope.newBuilder().setKind(Envelope.Kind.ERROR).setError(RemoteError.newBuilder().setCode("lower-case!").setMessage("x")).build();
    RemoteException e = Envelopes.toException(bad);
    assertEquals(ErrorCode.INTERNAL, e.code());
    assertTrue(e.getMessage().contains("lower-case!"));
  }
}
