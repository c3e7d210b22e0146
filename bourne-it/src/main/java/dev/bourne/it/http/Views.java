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

  /**
   * A member of the Convoy directory.
   *
   * @param id its member id
   * @param address where it gossips
   * @param state its health as this node sees it
   * @param incarnation its incarnation number (raised each time it refutes a suspicion or rejoins)
   * @param values its replicated items
   * @param suspected how many times this node saw it become suspect since this node started
   * @param failed how many times this node saw it marked failed since this node started
   */
  public record MemberInfo(String id, String address, String state, long incarnation, Map<String, String> values,
      long suspected, long failed) {}

  /**
   * One committed entry of a group's log, as this node holds it: enough to compare logs across
   * nodes without shipping payloads.
   *
   * @param index its position
   * @param term the term of the leader that created it
   * @param kind STD, NOOP or CONFIG
   * @param bytes its payload's length
   * @param crc the CRC-32C of its payload, in hex
   */
  public record LogEntry(long index, long term, String kind, int bytes, String crc) {}

  /**
   * A page of a group's committed log on this node.
   *
   * @param group the group
   * @param from the first index asked for, raised to the first one still in the log when the
   *     entries before it were compacted into a snapshot
   * @param committed the highest index known committed here
   * @param entries committed entries from {@code from}, in order, at most the limit asked for
   */
  public record LogPage(String group, long from, long committed, List<LogEntry> entries) {
    /** The most entries one page holds. */
    public static final int MAX_ENTRIES = 10_000;
  }

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
   * @param membershipEventsMissed membership and health events this node's listing missed because
   *     it fell behind (its suspicion and failure counts are low by at most as many)
   */
  public record StatusInfo(String id, String address, String http, boolean ready, List<String> dataGroups,
      int members, long uptimeSeconds, long membershipEventsMissed) {}

  /** An error: the stable code, a message, and what may help (a version, a retry hint). */
  public record ErrorBody(ErrorInfo error) {}

  /** The inside of {@link ErrorBody}; absent fields are left out. */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record ErrorInfo(String code, String message, Long currentVersion, Long retryAfterMs) {}

  /**
   * A keyring operation's report: each member that answered with its key fingerprints (primary
   * first), the active members that did not (with why), and the members not asked (not active).
   */
  public record KeyringInfo(String operation, Map<String, List<String>> keys, Map<String, String> failures,
      List<String> notAsked) {
    static KeyringInfo of(dev.bourne.convoy.api.KeyringReport r) {
      Map<String, List<String>> keys = new java.util.TreeMap<>();
      r.keys().forEach((id, k) -> keys.put(id.toString(), k));
      Map<String, String> failures = new java.util.TreeMap<>();
      r.failures().forEach((id, f) -> failures.put(id.toString(), f));
      return new KeyringInfo(r.operation(), keys, failures, r.notAsked().stream().map(Object::toString).toList());
    }
  }

  /** The error of a keyring operation that did not reach every member, with its report. */
  public record KeyringErrorBody(ErrorInfo error, KeyringInfo report) {}
}
