package dev.bourne.convoy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BroadcastQueueTest {
  private final Random random = new Random(1);
  private final NodeId a = NodeId.random(random);
  private final NodeId b = NodeId.random(random);

  private static Update.ItemUpdate item(NodeId owner, String key, long version) {
    return new Update.ItemUpdate(owner, 1, key, new Item("v" + version, version, false));
  }

  @Test
  void eachUpdateIsSentAtMostTheLimitThenLeaves() {
    BroadcastQueue q = new BroadcastQueue(100);
    q.enqueue(item(a, "k", 1));
    int sends = 0;
    for (int i = 0; i < 10; i++) {
      sends += q.take(10_000, 3, new ArrayList<>()).size();
    }
    assertEquals(3, sends);
    assertEquals(0, q.size());
  }

  @Test
  void aNewerVersionOfAKeySupersedesTheOlder() {
    BroadcastQueue q = new BroadcastQueue(100);
    q.enqueue(item(a, "k", 1));
    q.enqueue(item(a, "k", 2));
    q.enqueue(item(b, "k", 1));
    List<Update> out = q.take(10_000, 5, new ArrayList<>());
    assertEquals(2, out.size());
    assertTrue(out.contains(item(a, "k", 2)));
    assertTrue(!out.contains(item(a, "k", 1)));
  }

  @Test
  void theQueueIsBoundedAndDropsTheMostSent() {
    BroadcastQueue q = new BroadcastQueue(16);
    q.enqueue(item(a, "old", 1));
    q.take(10_000, 10, new ArrayList<>());
    for (int i = 0; i < 16; i++) {
      q.enqueue(item(b, "k" + i, 1));
    }
    assertEquals(16, q.size());
    assertTrue(!q.contains(new Update.ItemKey(a, "old")), "the most-sent update should go first");
    assertEquals(1, q.dropped());
  }

  @Test
  void failedSendsAreNotCounted() {
    BroadcastQueue q = new BroadcastQueue(100);
    q.enqueue(item(a, "k", 1));
    for (int i = 0; i < 5; i++) {
      List<BroadcastQueue.Entry> taken = new ArrayList<>();
      q.take(10_000, 2, taken);
      q.unsend(taken);
    }
    assertEquals(0, q.transmits(new Update.ItemKey(a, "k")));
    assertEquals(1, q.take(10_000, 2, new ArrayList<>()).size());
  }

  @Test
  void leastSentGoFirstAndTheBudgetIsRespected() {
    BroadcastQueue q = new BroadcastQueue(100);
    for (int i = 0; i < 50; i++) {
      q.enqueue(item(a, "k" + i, 1));
    }
    List<Update> first = q.take(600, 10, new ArrayList<>());
    int bytes = first.stream().mapToInt(Update::estimatedBytes).sum();
    assertTrue(bytes <= 600 && !first.isEmpty());
    List<Update> second = q.take(600, 10, new ArrayList<>());
    for (Update u : second) {
      assertTrue(!first.contains(u), "an unsent update should go before a repeat");
    }
  }
}
