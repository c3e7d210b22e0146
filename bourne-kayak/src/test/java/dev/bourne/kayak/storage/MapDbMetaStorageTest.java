package dev.bourne.kayak.storage;

import dev.bourne.kayak.core.HardState;
import dev.bourne.kayak.api.StorageException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.id.NodeId;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hard state and named values survive a reopen; bad input is refused. */
class MapDbMetaStorageTest {
  @TempDir Path dir;

  @Test
  void newStorageStartsFromTheInitialState() {
    try (MapDbMetaStorage meta = MapDbMetaStorage.open(dir.resolve("meta.db"))) {
      assertEquals(HardState.INITIAL, meta.load());
      assertEquals(Optional.empty(), meta.get("configuration"));
    }
  }

  @Test
  void savedStateSurvivesReopen() {
    NodeId candidate = NodeId.random(new Random(7));
    Path file = dir.resolve("sub/meta.db");
    try (MapDbMetaStorage meta = MapDbMetaStorage.open(file)) {
      meta.save(new HardState(3, Optional.of(candidate), 10));
      meta.save(new HardState(4, Optional.empty(), 12));
      meta.save(new HardState(5, Optional.of(candidate), 12));
      assertEquals(new HardState(5, Optional.of(candidate), 12), meta.load());
      meta.put("configuration", new byte[] {1, 2, 3});
    }
    try (MapDbMetaStorage meta = MapDbMetaStorage.open(file)) {
      assertEquals(new HardState(5, Optional.of(candidate), 12), meta.load());
      assertArrayEquals(new byte[] {1, 2, 3}, meta.get("configuration").orElseThrow());
      meta.saveAll(new HardState(6, Optional.empty(), 13), Map.of("a", new byte[] {9}, "b", new byte[0]));
    }
    try (MapDbMetaStorage meta = MapDbMetaStorage.open(file)) {
      assertEquals(new HardState(6, Optional.empty(), 13), meta.load());
      assertArrayEquals(new byte[] {9}, meta.get("a").orElseThrow());
      assertArrayEquals(new byte[0], meta.get("b").orElseThrow());
    }
  }

  @Test
  void reservedNamesAndClosedStorageAreRefused() {
    MapDbMetaStorage meta = MapDbMetaStorage.open(dir.resolve("meta.db"));
    assertThrows(IllegalArgumentException.class, () -> meta.put("kayak.hardState", new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> meta.get(""));
    meta.close();
    meta.close();
    StorageException e = assertThrows(StorageException.class, () -> meta.save(HardState.INITIAL));
    assertTrue(e.getMessage().contains("closed"));
  }

  @Test
  void aFileCannotBeOpenedTwice() {
    Path file = dir.resolve("meta.db");
    try (MapDbMetaStorage meta = MapDbMetaStorage.open(file)) {
      assertThrows(StorageException.class, () -> MapDbMetaStorage.open(file));
    }
  }
}
