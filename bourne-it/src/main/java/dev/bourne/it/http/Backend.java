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

  /**
   * The Convoy directory as this node sees it: the active members (alive or suspect), or with
   * {@code all} also those it knew that failed or left and are not forgotten yet.
   */
  List<Views.MemberInfo> members(boolean all);

  /**
   * Up to {@code limit} committed entries of {@code group}'s log on this node from index
   * {@code from}.
   *
   * @return empty if this node has no such group; fails with {@code NOT_READY} while the group has
   *     not formed here, or with {@link IllegalArgumentException} for a bad range
   */
  java.util.concurrent.CompletableFuture<java.util.Optional<Views.LogPage>> log(String group, long from, int limit);

  /** Each group this node takes part in. */
  List<Views.GroupInfo> groups();

  /** The cluster's gossip keyring, changed on every active member at once. */
  dev.bourne.convoy.api.GossipKeyring keyring();

  /** The node's own state. */
  Views.StatusInfo status();

  /** Writes the node's metrics in the Prometheus text format. */
  void scrape(OutputStream out) throws IOException;
}
