package dev.bourne.kayak.host;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.common.exec.SerialExecutor;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.ClusterMismatchException;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.core.Message;
import dev.bourne.kayak.core.SnapshotStorage;
import dev.bourne.kayak.wire.RequestCodec;
import dev.bourne.kayak.wire.WireCodec.MalformedMessageException;
import dev.bourne.net.IdentityMismatchException;
import dev.bourne.net.Inbound;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InstallSnapshot between hosts. The leader streams its latest snapshot to a follower that needs
 * compacted entries, in chunks of {@code KayakConfig.snapshotChunkBytes} with at most {@link #WINDOW} in flight; the
 * follower writes them in order to a temporary snapshot and installs it only once it is whole and
 * its checksum matches, then steps its core with {@link Message.InstallSnapshot} (which checks the
 * leader's term like an append) and only then answers the last chunk. A follower answers every
 * chunk with how much it holds, so a new connection or a new leader with the same snapshot resumes
 * there. The last chunk has its own, longer timeout (the follower installs before answering); a
 * resend never restarts an install, it waits behind it and then finds the snapshot whole. Other
 * followers and client appends are not held up: chunks are read and written off the event loop.
 *
 * <p>Threading: the sending side runs on the event loop; the receiving side on the host's
 * snapshot executor (file I/O) and hands the install to the loop.
 */
final class SnapshotTransfer {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotTransfer.class);
  static final String METHOD = "kayak.snapshot";
  static final int WINDOW = 4;
  /** A chunk from a leader whose term is below the follower's. */
  static final ErrorCode STALE_TERM = new ErrorCode("STALE_TERM");

  private final RaftHost host;
  private final SerialExecutor io;
  /** Event-loop thread only. */
  private final Map<NodeId, Sender> sending = new HashMap<>();
  /** Snapshot executor only. */
  private Receiving receiving;

  SnapshotTransfer(RaftHost host, SerialExecutor io) {
    this.host = host;
    this.io = io;
  }

  void register() {
    host.transport.handle(METHOD, this::onChunk);
  }

  /**
   * How long the last chunk may take: the follower makes the snapshot durable and installs it before
   * it answers, so four times a normal call. Resending it after a timeout is safe and cheap: the
   * follower handles chunks one at a time, so a resent chunk waits for the install in progress and
   * then finds the snapshot whole (it never starts over), and a lost last chunk costs one timeout.
   */
  private Duration installTimeout() {
    return host.config.requestTimeout().multipliedBy(4);
  }

  // ------------------------------------------------------------------ leader side

  /** On the loop: these followers need the snapshot (the core reported them in a Ready). */
  void needed(List<NodeId> followers) {
    for (NodeId f : followers) {
      Sender s = sending.get(f);
      if (s != null && s.term != host.core.term()) {
        s.finish(false, "a new term began"); // a sender of an earlier term: its progress is gone
        s = null;
      }
      if (s == null) {
        start(f);
      }
    }
  }

  private void start(NodeId to) {
    Optional<SnapshotStorage.Meta> meta = host.snapshots.latest();
    Optional<HostPort> address = host.addresses.get(to);
    if (meta.isEmpty() || address.isEmpty()) {
      LOG.warn("{}: cannot send a snapshot to {}: {}", host.id.shortString(), to.shortString(),
          meta.isEmpty() ? "no snapshot stored" : "no address known");
      retryLater(to);
      return;
    }
    Sender s = new Sender(to, address.get(), meta.get(), host.core.term());
    sending.put(to, s);
    LOG.info("{}: sending snapshot {}@{} ({} bytes) to {}", host.id.shortString(), meta.get().index(),
        meta.get().term(), meta.get().length(), to.shortString());
    s.pump();
  }

  /** After a failure, probe the follower again a while later (which asks for a snapshot again if needed). */
  private void retryLater(NodeId to) {
    try {
      host.timer.schedule(host.config.electionTimeout(), () -> host.loop.execute(() -> host.core.snapshotFailed(to)));
    } catch (IllegalStateException closed) {
      // the host is stopping
    }
  }

  /** One snapshot on its way to one follower. Event-loop thread only. */
  private final class Sender {
    final NodeId to;
    final HostPort address;
    final SnapshotStorage.Meta meta;
    final long term;
    long next;
    int inFlight;
    int generation;
    boolean done;

    Sender(NodeId to, HostPort address, SnapshotStorage.Meta meta, long term) {
      this.to = to;
      this.address = address;
      this.meta = meta;
      this.term = term;
    }

    boolean stillLeading() {
      return !host.isStopped() && host.core.role() == Role.LEADER && host.core.term() == term;
    }

    void pump() {
      if (done) {
        return;
      }
      if (!stillLeading()) {
        finish(false, "no longer leading term " + term);
        return;
      }
      while (inFlight < WINDOW && next < meta.length()) {
        long offset = next;
        int length = (int) Math.min(host.config.snapshotChunkBytes(), meta.length() - offset);
        next = offset + length;
        inFlight++;
        int gen = generation;
        io.execute(() -> read(offset, length, gen));
      }
    }

    /** On the snapshot executor: reads one chunk and sends it. */
    void read(long offset, int length, int gen) {
      byte[] data;
      try {
        data = host.snapshots.read(meta, offset, length);
      } catch (RuntimeException e) {
        host.loop.execute(() -> finish(false, "reading the snapshot failed: " + e.getMessage()));
        return;
      }
      RequestCodec.Chunk chunk = new RequestCodec.Chunk(host.clusterIfKnown(), host.id, to, term, meta.index(),
          meta.term(), meta.length(), meta.checksum(), offset, data);
      Duration timeout = chunk.last() ? installTimeout() : host.config.requestTimeout();
      host.transport.call(address, METHOD, RequestCodec.encode(chunk), timeout).whenComplete((reply, error) ->
          host.loop.execute(() -> onReply(chunk, gen, reply, error)));
    }

    void onReply(RequestCodec.Chunk chunk, int gen, byte[] reply, Throwable error) {
      if (done || gen != generation) {
        return; // a chunk of an abandoned round
      }
      inFlight--;
      if (error != null) {
        finish(false, "chunk at " + chunk.offset() + " failed: " + error);
        return;
      }
      RequestCodec.ChunkReply r;
      try {
        r = RequestCodec.decodeChunkReply(reply);
      } catch (MalformedMessageException e) {
        finish(false, e.getMessage());
        return;
      }
      if (r.installed()) {
        finish(true, null);
        return;
      }
      long expected = chunk.offset() + chunk.data().length;
      if (r.nextOffset() != expected) {
        // The follower holds a different amount (it resumed an earlier transfer, or lost chunks):
        // start again from where it is, dropping the chunks still in flight.
        if (r.nextOffset() > meta.length()) {
          finish(false, "follower claims " + r.nextOffset() + " of " + meta.length() + " bytes");
          return;
        }
        generation++;
        inFlight = 0;
        next = r.nextOffset();
      }
      pump();
    }

    void finish(boolean installed, String why) {
      if (done) {
        return;
      }
      done = true;
      sending.remove(to, this);
      if (installed) {
        LOG.info("{}: {} installed snapshot {}@{}", host.id.shortString(), to.shortString(), meta.index(), meta.term());
        host.core.snapshotSent(to, meta.index());
      } else {
        LOG.info("{}: sending snapshot {} to {} stopped: {}", host.id.shortString(), meta.index(), to.shortString(), why);
        retryLater(to); // the core ignores it unless it leads and still waits for this follower's snapshot
      }
    }
  }

  // ------------------------------------------------------------------ follower side

  /** A snapshot being received. Snapshot executor only. */
  private record Receiving(long index, long term, long length, int checksum, SnapshotStorage.Writer writer) {
    boolean same(RequestCodec.Chunk c) {
      return c.index() == index && c.snapshotTerm() == term && c.length() == length && c.checksum() == checksum;
    }
  }

  private CompletableFuture<byte[]> onChunk(Inbound from, byte[] payload) {
    RequestCodec.Chunk c;
    try {
      c = RequestCodec.decodeChunk(payload);
    } catch (MalformedMessageException e) {
      return CompletableFuture.failedFuture(Requests.badRequest(e.getMessage()));
    }
    ClusterMismatchException foreign = host.refuseForeign(c.cluster(), from.source());
    if (foreign != null) {
      return CompletableFuture.failedFuture(foreign);
    }
    if (!c.to().equals(host.id)) {
      return CompletableFuture.failedFuture(Requests.badRequest("snapshot chunk for " + c.to() + " reached "
          + host.id));
    }
    IdentityMismatchException impostor = host.refuseImpostor(from, c.from());
    if (impostor != null) {
      return CompletableFuture.failedFuture(impostor);
    }
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    io.execute(() -> {
      try {
        receive(c, reply);
      } catch (RuntimeException e) {
        abortReceiving();
        reply.completeExceptionally(e);
      }
    });
    return reply;
  }

  private void receive(RequestCodec.Chunk c, CompletableFuture<byte[]> reply) {
    long current = host.term(); // the published status: the core belongs to the loop
    if (c.term() < current) {
      reply.completeExceptionally(new BourneException(STALE_TERM, "chunk from term " + c.term() + ", this member is in "
          + current));
      return;
    }
    Optional<SnapshotStorage.Meta> stored = host.snapshots.latest();
    if (stored.isPresent() && stored.get().index() == c.index() && stored.get().term() == c.snapshotTerm()
        && stored.get().checksum() == c.checksum()) {
      // Already whole here (an earlier transfer's answer was lost): install (idempotent) and say so.
      install(c, stored.get(), reply);
      return;
    }
    if (receiving != null && !receiving.same(c)) {
      abortReceiving(); // another snapshot (a newer one, or another leader's): the old one goes
    }
    if (receiving == null) {
      if (c.offset() != 0) {
        reply.complete(RequestCodec.encode(new RequestCodec.ChunkReply(0, false)));
        return;
      }
      receiving = new Receiving(c.index(), c.snapshotTerm(), c.length(), c.checksum(),
          host.snapshots.create(c.index(), c.snapshotTerm()));
    }
    long written = receiving.writer().written();
    if (c.offset() != written) {
      reply.complete(RequestCodec.encode(new RequestCodec.ChunkReply(written, false)));
      return;
    }
    receiving.writer().write(c.data(), 0, c.data().length);
    if (!c.last()) {
      reply.complete(RequestCodec.encode(new RequestCodec.ChunkReply(receiving.writer().written(), false)));
      return;
    }
    SnapshotStorage.Writer w = receiving.writer();
    receiving = null;
    SnapshotStorage.Meta meta = w.commit(c.checksum()); // throws (and keeps nothing) on a mismatch
    install(c, meta, reply);
  }

  /** Hands a whole, durable snapshot to the core; answers once the core took it. */
  private void install(RequestCodec.Chunk c, SnapshotStorage.Meta meta, CompletableFuture<byte[]> reply) {
    SnapshotContent.Header h = SnapshotContent.header(host.snapshots, meta);
    Message.InstallSnapshot m = new Message.InstallSnapshot(c.term(), c.from(), meta.index(), meta.term(),
        h.membership());
    host.loop.execute(() -> {
      // The header goes with the install: by the time the core's Ready is handled, another
      // snapshot may already have replaced this one in storage.
      host.receivedHeader(meta, h);
      host.core.step(m);
      reply.complete(RequestCodec.encode(new RequestCodec.ChunkReply(meta.length(), true)));
    });
  }

  private void abortReceiving() {
    if (receiving != null) {
      receiving.writer().abort();
      receiving = null;
    }
  }

  /** On stop: an unfinished receive leaves nothing behind. */
  void close() {
    io.execute(this::abortReceiving);
  }
}
