package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.testing.Await;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.Item;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member whose state cannot be persisted stops, as a crash would, instead of running on. */
class PersistenceFailureTest {
  @Test
  void aFailedStorageWriteStopsTheMemberAndFailsTheWrite(@TempDir Path dir) {
    ConvoyNode node = (ConvoyNode) Convoy.start(ConvoyConfig.local().dataDir(dir).build());
    try {
      assertTrue(node.store().put("kept", "1", 0).ok());
      node.state().close(); // every later write to it fails
      ClosedException e = assertThrows(ClosedException.class, () -> node.store().put("lost", "2", 0));
      assertTrue(e.getMessage().contains("could not be persisted"), e.getMessage());
      Await.until("the member stops", Duration.ofSeconds(10), () -> !node.isRunning());
      assertEquals(Item.ABSENT, node.store().get("lost"), "an unpersisted write was published");
    } finally {
      node.shutdown();
    }
  }
}
