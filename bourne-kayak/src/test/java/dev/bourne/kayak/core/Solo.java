package dev.bourne.kayak.core;

import static dev.bourne.kayak.core.TestCluster.id;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.storage.MemoryLogStorage;
import dev.bourne.kayak.storage.MemoryMetaStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;

/** One core with a prepared log, driven message by message by a test. */
final class Solo {
  final MemoryLogStorage storage = new MemoryLogStorage();
  final MemoryMetaStorage meta = new MemoryMetaStorage();
  final RaftCore core;

  /**
   * @param self this member's number
   * @param voters the voters' numbers (the CONFIG entry at index 1)
   * @param terms the term of each entry from index 1 (index 1 holds the configuration)
   * @param term the current term
   */
  Solo(int self, int[] voters, long[] terms, long term, RaftConfig config) {
    TreeSet<NodeId> v = new TreeSet<>();
    for (int n : voters) {
      v.add(id(n));
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      entries.add(i == 0
          ? new Entry(1, terms[0], EntryKind.CONFIG, MembershipCodec.encode(new Membership(v, new TreeSet<>())))
          : new Entry(i + 1, terms[i], EntryKind.STD, new byte[] {(byte) i}));
    }
    storage.append(entries);
    storage.sync();
    meta.save(new HardState(term, Optional.empty(), 0));
    core = new RaftCore(id(self), config, storage, meta.load(), new Random(7));
  }

  Solo(int self, int[] voters, long[] terms, long term) {
    this(self, voters, terms, term, RaftConfig.defaults());
  }

  /** Takes a Ready and carries out its writes (without syncing or reporting them). */
  Ready ready() {
    Ready r = core.ready();
    r.hardState().ifPresent(meta::save);
    if (r.truncateFrom() > 0) {
      storage.truncateSuffix(r.truncateFrom());
    }
    storage.append(r.entries());
    return r;
  }

  /** Syncs storage and tells the core. */
  void persist() {
    storage.sync();
    core.persisted(storage.lastIndex(), storage.termAt(storage.lastIndex()));
  }

  /** Ready, then persist, then the messages of both kinds. */
  List<Outbound> readyAndPersist() {
    Ready r = ready();
    persist();
    List<Outbound> all = new ArrayList<>(r.messages());
    all.addAll(r.persistedMessages());
    return all;
  }

  static <T extends Message> List<T> only(List<Outbound> out, Class<T> type) {
    return out.stream().map(Outbound::message).filter(type::isInstance).map(type::cast).toList();
  }

  /** Steps the core into leadership of a 3-voter group by granting it votes from 2 and 3. */
  void becomeLeaderOf3() {
    core.step(new Message.TimeoutNow(core.term(), id(2)));
    readyAndPersist();
    long t = core.term();
    core.step(new Message.VoteResponse(t, id(2), false, true));
    readyAndPersist();
    if (core.role() != Role.LEADER) {
      throw new AssertionError("not leader: " + core.status());
    }
  }
}
