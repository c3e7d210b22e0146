package dev.bourne.it.http;

import dev.bourne.it.kv.host.KvService;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** What the HTTP API serves: the node behind it. Implementations are thread-safe. */
public interface Backend {
  /**
   * The key/value service.
   *
   * @throws dev.bourne.it.kv.KvException code {@code NOT_READY} until the node has joined its groups
   */
  KvService kv();

  /** The Convoy directory as this node sees it. */
  List<Views.MemberInfo> members();

  /** Each group this node takes part in. */
  List<Views.GroupInfo> groups();

  /** The node's own state. */
  Views.StatusInfo status();

  /** Writes the node's metrics in the Prometheus text format. */
  void scrape(OutputStream out) throws IOException;
}
