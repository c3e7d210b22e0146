package dev.bourne.it.kv.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KvMachineTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Command put(String key, String value, Long expected) {
    return new Command.Put(key, b(value), Optional.ofNullable(expected), 1, Optional.empty());
  }

  private static Command put(String key, String value, String client, long seq) {
    return new Command.Put(key, b(value), Optional.empty(), 1, Optional.of(new RequestId(client, seq)));
  }

  @Test
  void versionsAreTheIndexesOfTheWrites() {
    KvMachine m = new KvMachine();
    assertEquals(new Outcome.Written(3, 0), m.apply(3, put("a", "1", null)));
    assertEquals(new Outcome.Written(7, 3), m.apply(7, put("a", "2", null)));
    assertEquals(7, m.get("a").orElseThrow().version());
    assertArrayEquals(b("2"), m.get("a").orElseThrow().value());
    assertEquals(7, m.applied());
  }

  @Test
  void compareAndSetAppliesOnlyAtTheExpectedVersion() {
    KvMachine m = new KvMachine();
    assertEquals(new Outcome.Conflict(0), m.apply(1, put("a", "x", 5L)));
    assertEquals(new Outcome.Written(2, 0), m.apply(2, put("a", "x", 0L)), "0 means: only if absent");
    assertEquals(new Outcome.Conflict(2), m.apply(3, put("a", "y", 0L)));
    assertEquals(new Outcome.Written(4, 2), m.apply(4, put("a", "y", 2L)));
    assertEquals(new Outcome.Conflict(4), m.apply(5, new Command.Delete("a", Optional.of(2L), 1, Optional.empty())));
    assertEquals(new Outcome.Deleted(6, 4), m.apply(6, new Command.Delete("a", Optional.of(4L), 1, Optional.empty())));
    assertEquals(new Outcome.NotFound(), m.apply(7, new Command.Delete("a", Optional.empty(), 1, Optional.empty())));
    assertTrue(m.get("a").isEmpty());
  }

  @Test
  void aRetriedRequestAppliesOnceAndGetsTheFirstOutcome() {
    KvMachine m = new KvMachine();
    Outcome first = m.apply(1, put("k", "first", "c1", 1));
    m.apply(2, put("k", "other", null));
    Outcome retry = m.apply(3, put("k", "first", "c1", 1));
    assertEquals(first, retry);
    assertArrayEquals(b("other"), m.get("k").orElseThrow().value(), "the retry did not apply again");
    assertEquals(new Outcome.Written(4, 2), m.apply(4, put("k", "second", "c1", 2)));
  }

  @Test
  void requestsOlderThanTheWindowExpireInsteadOfApplyingAgain() {
    KvMachine m = new KvMachine();
    long index = 0;
    for (long seq = 1; seq <= Sessions.WINDOW + 5; seq++) {
      m.apply(++index, put("k" + seq, "v", "c", seq));
    }
    assertEquals(new Outcome.Expired(), m.apply(++index, put("k1", "again", "c", 1)));
    assertArrayEquals(b("v"), m.get("k1").orElseThrow().value());
    assertInstanceOf(Outcome.Written.class, m.outcomeOf(new RequestId("c", Sessions.WINDOW + 5)).orElseThrow());
  }

  @Test
  void theSessionTableIsBoundedAndForgetsTheLeastRecentClient() {
    KvMachine m = new KvMachine(3);
    m.apply(1, put("a", "1", "c1", 1));
    m.apply(2, put("a", "2", "c2", 1));
    m.apply(3, put("a", "3", "c3", 1));
    m.apply(4, put("a", "4", "c1", 2)); // c1 wrote most recently: c2 is now the eldest
    m.apply(5, put("a", "5", "c4", 1));
    assertEquals(3, m.sessionCount());
    assertTrue(m.outcomeOf(new RequestId("c2", 1)).isEmpty(), "c2 forgotten");
    assertTrue(m.outcomeOf(new RequestId("c1", 2)).isPresent());
  }

  @Test
  void listReturnsThePrefixInOrderUpToTheLimit() {
    KvMachine m = new KvMachine();
    long i = 0;
    for (String k : List.of("b/2", "a/1", "b/1", "b/3", "c", "b")) {
      m.apply(++i, put(k, k, null));
    }
    List<String> keys = m.list("b/", 10).stream().map(e -> e.getKey()).toList();
    assertEquals(List.of("b/1", "b/2", "b/3"), keys);
    assertEquals(List.of("a/1", "b"), m.list("", 2).stream().map(e -> e.getKey()).toList());
    assertThrows(IllegalArgumentException.class, () -> m.list("", 0));
  }

  @Test
  void aSnapshotRestoresTheSameStateSessionsIncluded() {
    KvMachine m = new KvMachine();
    m.apply(1, put("a", "1", "c1", 1));
    m.apply(2, put("b", "2", "c2", 7));
    m.apply(3, new Command.Delete("a", Optional.empty(), 1, Optional.of(new RequestId("c1", 2))));
    List<byte[]> snap = m.snapshot();
    KvMachine r = new KvMachine();
    r.restore(snap);
    assertEquals(m.copy(), r.copy());
    assertEquals(3, r.applied());
    assertEquals(m.outcomeOf(new RequestId("c1", 2)), r.outcomeOf(new RequestId("c1", 2)));
    assertEquals(m.apply(4, put("b", "2", "c2", 7)), r.apply(4, put("b", "2", "c2", 7)), "a retry after restore");
  }

  @Test
  void anIncompleteOrForeignSnapshotIsRefusedAndLeavesTheMachineEmpty() {
    KvMachine m = new KvMachine();
    m.apply(1, put("a", "1", null));
    m.apply(2, put("b", "2", null));
    List<byte[]> snap = new ArrayList<>(m.snapshot());
    snap.remove(snap.size() - 1);
    KvMachine r = new KvMachine();
    r.apply(1, put("z", "z", null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.restore(snap));
    assertTrue(e.getMessage().contains("incomplete"), e.getMessage());
    assertEquals(0, r.size());
    assertEquals(0, r.applied());
    assertThrows(IllegalArgumentException.class, () -> r.restore(List.of(b("not a snapshot"))));
    assertThrows(IllegalArgumentException.class, () -> r.restore(List.of()));
  }

  @Test
  void aPayloadThatIsNoCommandIsRejectedTheSameEverywhere() {
    KvMachine m = new KvMachine();
    assertInstanceOf(Outcome.Rejected.class, m.apply(1, b("hello")));
    assertInstanceOf(Outcome.Rejected.class, m.apply(2, new byte[0]));
    assertEquals(2, m.applied());
    assertEquals(0, m.size());
    assertThrows(IllegalArgumentException.class, () -> m.apply(2, put("a", "b", null)), "indexes only go up");
  }

  @Test
  void commandsSurviveTheirEncoding() {
    List<Command> all = List.of(put("a", "1", null), put("a/b c", "", 9L), put("k", "v", "client-1", 42),
        new Command.Delete("x", Optional.of(0L), -5, Optional.of(new RequestId("c", 1))),
        new Command.Delete("x", Optional.empty(), Long.MAX_VALUE, Optional.empty()));
    for (Command c : all) {
      Command back = CommandCodec.decode(CommandCodec.encode(c));
      assertEquals(c.key(), back.key());
      assertEquals(c.expected(), back.expected());
      assertEquals(c.token(), back.token());
      assertEquals(c.request(), back.request());
      if (c instanceof Command.Put p) {
        assertArrayEquals(p.value(), ((Command.Put) back).value());
      }
    }
    byte[] full = CommandCodec.encode(put("key", "value", null));
    for (int cut = 0; cut < full.length; cut++) {
      byte[] part = java.util.Arrays.copyOf(full, cut);
      assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(part), "truncated at " + cut);
    }
  }

  @Test
  void badKeysValuesAndRequestIdsAreRefusedWithAClearMessage() {
    assertThrows(IllegalArgumentException.class, () -> Command.validate("", b("v"), Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> Command.validate("a\nb", b("v"), Optional.empty()));
    assertThrows(IllegalArgumentException.class,
        () -> Command.validate("k".repeat(Limits.MAX_KEY_BYTES + 1), b("v"), Optional.empty()));
    assertThrows(IllegalArgumentException.class,
        () -> Command.validate("k", new byte[Limits.MAX_VALUE_BYTES + 1], Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> Command.validate("k", null, Optional.of(-1L)));
    Command.validate("k", new byte[Limits.MAX_VALUE_BYTES], Optional.of(0L));
    assertThrows(IllegalArgumentException.class, () -> RequestId.of("has space", 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RequestId.of("c", 0));
    assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
  }

  @Test
  void aRequestIdReusedForAnotherWriteIsRefusedAndTheFirstStands() {
    KvMachine m = new KvMachine();
    Outcome first = m.apply(1, put("k", "first", "c1", 1));
    assertEquals(new Outcome.Reused(), m.apply(2, put("k", "other", "c1", 1)));
    assertEquals(new Outcome.Reused(), m.apply(3, put("j", "first", "c1", 1)));
    assertEquals(first, m.apply(4, put("k", "first", "c1", 1)), "a true retry still gets the first outcome");
    assertArrayEquals(b("first"), m.get("k").orElseThrow().value());
    assertTrue(m.get("j").isEmpty());
  }

  @Test
  void aReplicaAppliesEveryLoggedCommandWhateverTheLimitsAtTheEdge() {
    // The limits are checked where commands enter; an entry already in the log applies as it is.
    KvMachine m = new KvMachine();
    Command huge = new Command.Put("k".repeat(Limits.MAX_KEY_BYTES + 5), b("v"), Optional.empty(), 1, Optional.empty());
    assertInstanceOf(Outcome.Written.class, m.apply(1, CommandCodec.encode(huge)));
  }

  @Test
  void keysSpreadOverGroupsAndEveryNodeRoutesAlike() {
    int[] counts = new int[4];
    for (int i = 0; i < 4000; i++) {
      int g = KeyRouter.groupOf("key-" + i, 4);
      assertEquals(g, KeyRouter.groupOf("key-" + i, 4), "stable");
      counts[g]++;
    }
    for (int c : counts) {
      assertTrue(c > 800 && c < 1200, "roughly even: " + java.util.Arrays.toString(counts));
    }
    assertEquals(0, KeyRouter.groupOf("anything", 1));
    assertThrows(IllegalArgumentException.class, () -> KeyRouter.groupOf("k", 0));
    assertEquals(ShardMap.of(3), ShardMap.decode(ShardMap.of(3).encode()));
    assertThrows(IllegalArgumentException.class, () -> ShardMap.decode(b("kv-0,,kv-1")));
    assertThrows(IllegalArgumentException.class, () -> ShardMap.of(0));
  }
}
