package dev.bourne.kayak.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The leader hint survives being carried as an error's detail bytes. */
class NotLeaderExceptionTest {
  @Test
  void hintSurvivesTheDetailBytes() {
    NodeId id = NodeId.random(new Random(1));
    HostPort addr = new HostPort("127.0.0.1", 4242);
    NotLeaderException original = new NotLeaderException("not leader", Optional.of(id), Optional.of(addr));
    BourneException remote = new BourneException(NotLeaderException.CODE, "not leader") {
      @Override
      public byte[] detail() {
        return original.detail();
      }
    };
    NotLeaderException back = NotLeaderException.from(remote);
    assertEquals(Optional.of(id), back.leaderId());
    assertEquals(Optional.of(addr), back.leaderAddress());
  }

  @Test
  void missingOrMalformedHintGivesNoHint() {
    NotLeaderException none = new NotLeaderException("x", Optional.empty(), Optional.empty());
    assertEquals(Optional.empty(), NotLeaderException.from(none).leaderId());
    BourneException garbage = new BourneException(NotLeaderException.CODE, "x") {
      @Override
      public byte[] detail() {
        return new byte[] {(byte) 0xff, 1, 2};
      }
    };
    assertEquals(Optional.empty(), NotLeaderException.from(garbage).leaderAddress());
  }
}
