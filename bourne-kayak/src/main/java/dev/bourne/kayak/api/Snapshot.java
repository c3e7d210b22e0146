package dev.bourne.kayak.api;

import dev.bourne.common.id.NodeId;
import java.util.List;
import java.util.stream.Stream;

/**
 * A durable snapshot: the application's state as of {@link #index()}, as the events it handed to
 * {@link Log#compact}, and the configuration at that index. An application rebuilds its state
 * from {@link #events()} and then listens from {@code index() + 1}.
 */
public interface Snapshot {
  /** The last log index the snapshot includes. */
  long index();

  /** The term of that entry. */
  long term();

  /** The voters of the configuration at {@link #index()}. */
  List<NodeId> voters();

  /** The learners of the configuration at {@link #index()}. */
  List<NodeId> learners();

  /** The snapshot's size in bytes as stored. */
  long bytes();

  /**
   * The state's events in the order they were handed over, read from storage as the stream is
   * consumed. Close the stream (try-with-resources).
   *
   * @throws StorageException if the snapshot cannot be read (for example it was replaced by a newer
   *     one meanwhile: ask {@link Log#snapshot()} again)
   */
  Stream<byte[]> events();
}
