package dev.bourne.convoy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.MemberState;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The item merge rules of ORIGIN.md section 2. */
class MemberTableTest {
  private final NodeId owner = NodeId.random(new Random(8));
  private MemberTable table;
  private MemberTable.Entry entry;

  @BeforeEach
  void setUp() {
    table = new MemberTable(ProtocolConfig.from(GossipConfig.local()));
    entry = new MemberTable.Entry(owner, new HostPort("10.0.0.1", 1), 3, 2, MemberState.ALIVE, 0);
    table.add(entry);
  }

  private MemberTable.Merge merge(long generation, String key, Item item) {
    return table.mergeItem(new Update.ItemUpdate(owner, generation, key, item));
  }

  @Test
  void higherVersionWins() {
    assertEquals(MemberTable.Merge.APPLIED, merge(2, "k", new Item("a", 5, false)));
    assertEquals(MemberTable.Merge.STALE, merge(2, "k", new Item("old", 4, false)));
    assertEquals(MemberTable.Merge.APPLIED, merge(2, "k", new Item("b", 6, false)));
    assertEquals(new Item("b", 6, false), entry.item("k"));
  }

  @Test
  void aDeleteWinsATie() {
    merge(2, "k", new Item("a", 5, false));
    assertEquals(MemberTable.Merge.APPLIED, merge(2, "k", new Item("", 5, true)));
    assertEquals(MemberTable.Merge.STALE, merge(2, "k", new Item("a", 5, false)));
    assertEquals(new Item("", 5, true), entry.item("k"));
  }

  @Test
  void olderGenerationsAreHiddenAndUnseenOnesWait() {
    assertEquals(MemberTable.Merge.STALE, merge(1, "k", new Item("a", 9, false)));
    assertEquals(MemberTable.Merge.STALE, merge(4, "k", new Item("a", 9, false)));
    assertEquals(Item.ABSENT, entry.item("k"));
  }

  @Test
  void reservedOversizedAndAbsurdItemsAreRejected() {
    assertEquals(MemberTable.Merge.REJECTED, merge(2, "convoy:x", new Item("a", 1, false)));
    assertEquals(MemberTable.Merge.REJECTED, merge(2, "k".repeat(1000), new Item("a", 1, false)));
    assertEquals(MemberTable.Merge.REJECTED, merge(2, "k", new Item("v".repeat(5000), 1, false)));
    assertEquals(MemberTable.Merge.REJECTED, merge(2, "k", new Item("a", 1L << 50, false)));
    assertEquals(MemberTable.Merge.REJECTED, merge(2, "k", new Item("a", 0, false)));
  }

  @Test
  void aMembersTotalIsBounded() {
    int accepted = 0;
    for (int i = 0; i < 100; i++) {
      if (merge(2, "key" + i, new Item("v".repeat(1000), i + 1, false)) == MemberTable.Merge.APPLIED) {
        accepted++;
      }
    }
    assertEquals(true, accepted < 100 && entry.itemBytes <= ProtocolConfig.from(GossipConfig.local()).maxMemberBytes());
  }
}
