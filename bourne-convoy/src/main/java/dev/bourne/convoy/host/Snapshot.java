package dev.bourne.convoy.host;

import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.Member;
import java.util.List;
import java.util.Map;

/**
 * An immutable copy of the core's view, published by the event loop after each change, so that
 * directory and store reads never wait on the loop.
 *
 * @param self this member
 * @param members every known member, sorted by id
 * @param items every member's items with versions (tombstones included)
 */
record Snapshot(Member self, List<Member> members, Map<NodeId, Map<String, Item>> items) {}
