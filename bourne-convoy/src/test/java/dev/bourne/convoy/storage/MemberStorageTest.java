package dev.bourne.convoy.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.Item;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemberStorageTest {
  @Test
  void stateSurvivesReopenAndWipeForgetsTheIdentity(@TempDir Path dir) {
    NodeId id = NodeId.random();
    try (MemberStorage s = MemberStorage.open(dir)) {
      assertEquals(Optional.empty(), s.id());
      s.begin(id, 1);
      s.saveIncarnation(4);
      s.saveIncarnation(2); // never goes back
      s.saveItem("k", new Item("v", 3, false), 3);
      s.saveItem("d", new Item("", 5, true), 5);
    }
    try (MemberStorage s = MemberStorage.open(dir)) {
      assertEquals(Optional.of(id), s.id());
      assertEquals(4, s.incarnation());
      assertEquals(5, s.lastVersion());
      assertEquals(Map.of("k", new Item("v", 3, false), "d", new Item("", 5, true)), s.items());
      s.wipe();
    }
    try (MemberStorage s = MemberStorage.open(dir)) {
      assertTrue(s.id().isEmpty());
      assertTrue(s.items().isEmpty());
    }
  }

  @Test
  void aLargestValueOfNonBmpCharactersRoundTrips(@TempDir Path dir) {
    // 15,000 four-byte characters: 60,000 bytes of UTF-8, the most maxValueBytes allows, and
    // 90,000 bytes in DataOutput's modified UTF-8.
    String value = "\uD83D\uDE00".repeat(15_000);
    Item item = new Item(value, 1, false);
    try (MemberStorage s = MemberStorage.open(dir)) {
      s.begin(NodeId.random(), 1);
      s.saveItem("emoji", item, 1);
    }
    try (MemberStorage s = MemberStorage.open(dir)) {
      assertEquals(item, s.items().get("emoji"));
    }
  }

  @Test
  void aNewIdentityNeverInheritsItemsAWipedOneLeftBehind(@TempDir Path dir) {
    try (MemberStorage s = MemberStorage.open(dir)) {
      s.begin(NodeId.random(), 1);
      s.wipe();
      // A write of the evicted identity that landed after the wipe.
      s.saveItem("late", new Item("stale", 9, false), 9);
    }
    NodeId fresh = NodeId.random();
    try (MemberStorage s = MemberStorage.open(dir)) {
      assertTrue(s.id().isEmpty());
      s.begin(fresh, 1);
    }
    try (MemberStorage s = MemberStorage.open(dir)) {
      assertEquals(Optional.of(fresh), s.id());
      assertEquals(Map.of(), s.items());
      assertEquals(0, s.lastVersion());
    }
  }
}
