package dev.bourne.it.http;

import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the HTTP API, as records (Jackson writes them field by field; the command
 * line reads the same names).
 */
public final class Views {
  private Views() {}

  /** A key with its value (UTF-8 text) and version. */
  public record KeyValue(String key, String value, long version) {}

  /** The result of a put or delete: the write's version and the version it replaced (0: none). */
  public record WriteResult(String key, long version, long previousVersion) {}

  /** A prefix listing. */
  public record Listing(List<KeyValue> items, boolean truncated) {}

  /** A member of the Convoy directory. */
  public record MemberInfo(String id, String address, String state, long incarnation, Map<String, String> values) {}

  /** One group member in a group's configuration. */
  public record GroupMember(String id, String address, boolean voter) {}

  /**
   * A group this node takes part in.
   *
   * @param name the group
   * @param cluster its cluster id, once formed
   * @param status formation status (from the groups' handle)
   * @param role this node's role
   * @param term this node's term
   * @param leader the leader's id, if known
   * @param members the configuration (voters and learners)
   * @param commitIndex the highest index known committed here
   * @param appliedIndex the highest index this node's key/value replica applied
   * @param snapshotIndex the index of the latest durable snapshot (0: none)
   * @param keys keys this node's replica holds
   */
  public record GroupInfo(String name, String cluster, String status, String role, long term, String leader,
      List<GroupMember> members, long commitIndex, long appliedIndex, long snapshotIndex, long keys) {}

  /**
   * The node's own state.
   *
   * @param id its Convoy member id
   * @param address where Convoy and Kayak listen
   * @param http where the API listens
   * @param ready whether it serves the key/value API
   * @param dataGroups the shard map's data groups, once known
   * @param members members alive in its directory
   * @param uptimeSeconds seconds since it started
   */
  public record StatusInfo(String id, String address, String http, boolean ready, List<String> dataGroups,
      int members, long uptimeSeconds) {}

  /** An error: the stable code, a message, and what may help (a version, a retry hint). */
  public record ErrorBody(ErrorInfo error) {}

  /** The inside of {@link ErrorBody}; absent fields are left out. */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record ErrorInfo(String code, String message, Long currentVersion, Long retryAfterMs) {}
}
