package dev.bourne.kayak.sim;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The checker itself must catch what it claims to catch. */
class SafetyCheckerTest {
  private static final NodeId A = new NodeId(new UUID(1, 1));
  private static final NodeId B = new NodeId(new UUID(2, 2));

  private static Entry e(long index, long term, int payload) {
    return new Entry(index, term, EntryKind.STD, new byte[] {(byte) payload});
  }

  @Test
  void twoLeadersInOneTerm() {
    SafetyChecker c = new SafetyChecker();
    c.leader(A, 3);
    c.leader(A, 3);
    assertThrows(SafetyViolation.class, () -> c.leader(B, 3));
  }

  @Test
  void differentEntriesAtTheSameIndexAndTerm() {
    SafetyChecker c = new SafetyChecker();
    c.written(A, e(5, 2, 1), 2);
    c.written(B, e(5, 2, 1), 2);
    assertThrows(SafetyViolation.class, () -> c.written(B, e(5, 2, 9), 2));
    assertThrows(SafetyViolation.class, () -> c.written(B, e(5, 2, 1), 1), "different predecessor");
  }

  @Test
  void newLeaderMissingACommittedEntry() {
    SafetyChecker c = new SafetyChecker();
    c.committed(A, 1, 1);
    c.committed(A, 2, 1);
    c.newLeader(B, 2, i -> 1, 2);
    assertThrows(SafetyViolation.class, () -> c.newLeader(B, 3, i -> i == 2 ? 2 : 1, 2));
    assertThrows(SafetyViolation.class, () -> c.newLeader(A, 4, i -> 1, 1), "log too short");
  }

  @Test
  void differentEntriesAppliedAtOneIndexOrAppliedOutOfOrder() {
    SafetyChecker c = new SafetyChecker();
    c.applied(A, 0, List.of(e(1, 1, 1), e(2, 1, 2)));
    assertThrows(SafetyViolation.class, () -> c.applied(B, 0, List.of(e(1, 1, 7))));
    assertThrows(SafetyViolation.class, () -> c.applied(B, 0, List.of(e(2, 1, 2))));
  }
}
