package dev.bourne.convoy.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.MemberState;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Digest summaries: equal tables agree, one change names one bucket, inactive members do not count. */
class TableSummaryTest {
  private static MemberTable table(List<NodeId> ids) {
    MemberTable t = new MemberTable(ProtocolConfig.from(GossipConfig.lan()));
    int i = 0;
    for (NodeId id : ids) {
      t.add(new MemberTable.Entry(id, new HostPort("10.0.0." + (++i), 7946), 1, 1, MemberState.ALIVE, 0));
    }
    return t;
  }

  private static List<Long> boxed(long[] a) {
    return Arrays.stream(a).boxed().toList();
  }

  @Test
  void equalTablesAgreeAndOneChangeNamesItsBucket() {
    Random r = new Random(7);
    List<NodeId> ids = java.util.stream.IntStream.range(0, 200).mapToObj(i -> NodeId.random(r)).toList();
    MemberTable a = table(ids);
    MemberTable b = table(ids);
    assertArrayEquals(TableSummary.summarize(a), TableSummary.summarize(b));
    assertEquals(List.of(), TableSummary.differing(TableSummary.summarize(a), boxed(TableSummary.summarize(b))));

    NodeId changed = ids.get(17);
    b.get(changed).items.put("k", new Item("v", 1, false));
    assertEquals(List.of(TableSummary.bucket(changed)),
        TableSummary.differing(TableSummary.summarize(a), boxed(TableSummary.summarize(b))));
    b.get(changed).incarnation = 2;
    a.get(changed).items.put("k", new Item("v", 1, false));
    assertEquals(List.of(TableSummary.bucket(changed)),
        TableSummary.differing(TableSummary.summarize(a), boxed(TableSummary.summarize(b))));
  }

  @Test
  void inactiveMembersCountAsAbsentAndAWrongSizeDiffersEverywhere() {
    Random r = new Random(8);
    List<NodeId> ids = java.util.stream.IntStream.range(0, 50).mapToObj(i -> NodeId.random(r)).toList();
    MemberTable a = table(ids);
    MemberTable b = table(ids.subList(0, 49));
    a.get(ids.get(49)).state = MemberState.FAILED; // failed there, never known here: no difference
    assertArrayEquals(TableSummary.summarize(a), TableSummary.summarize(b));
    a.get(ids.get(49)).state = MemberState.ALIVE;
    assertEquals(1, TableSummary.differing(TableSummary.summarize(a), boxed(TableSummary.summarize(b))).size());
    assertEquals(TableSummary.BUCKETS, TableSummary.differing(TableSummary.summarize(a), List.of(1L, 2L)).size());
  }
}
