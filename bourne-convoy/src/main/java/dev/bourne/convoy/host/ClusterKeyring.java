package dev.bourne.convoy.host;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.GossipKey;
import dev.bourne.convoy.api.GossipKeyring;
import dev.bourne.convoy.api.KeyringException;
import dev.bourne.convoy.api.KeyringReport;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.wire.KeyringCodec;
import dev.bourne.convoy.wire.KeyringCodec.Op;
import dev.bourne.net.RemoteException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group-wide keyring operations of one member: each asks every other active member over an
 * encrypted {@code convoy.keyring} request, then applies the change here (last, so that this
 * member's requests are still sealed with a key everyone holds), and reports.
 */
final class ClusterKeyring implements GossipKeyring {
  private static final Logger log = LoggerFactory.getLogger(ClusterKeyring.class);
  private final ConvoyNode node;
  private final Keyring keyring;

  ClusterKeyring(ConvoyNode node, Keyring keyring) {
    this.node = node;
    this.keyring = keyring;
  }

  /** Serves a keyring request on the loop: applies it, persisted, and answers the ring's fingerprints. */
  static byte[] serve(Keyring keyring, byte[] payload) {
    KeyringCodec.Request r = KeyringCodec.decodeRequest(payload);
    return KeyringCodec.encode(apply(keyring, r));
  }

  private static List<String> apply(Keyring keyring, KeyringCodec.Request r) {
    switch (r.op()) {
      case INSTALL -> keyring.install(r.key().orElseThrow());
      case USE -> keyring.use(r.key().orElseThrow());
      case REMOVE -> keyring.remove(r.key().orElseThrow());
      case LIST -> { }
    }
    return keyring.ring().keys().stream().map(GossipKey::fingerprint).toList();
  }

  @Override
  public List<GossipKey> localKeys() {
    return keyring.ring().keys();
  }

  @Override
  public CompletableFuture<KeyringReport> list() {
    return run(new KeyringCodec.Request(Op.LIST, Optional.empty()));
  }

  @Override
  public CompletableFuture<KeyringReport> install(GossipKey key) {
    return run(new KeyringCodec.Request(Op.INSTALL, Optional.of(key)));
  }

  @Override
  public CompletableFuture<KeyringReport> use(GossipKey key) {
    return run(new KeyringCodec.Request(Op.USE, Optional.of(key)));
  }

  @Override
  public CompletableFuture<KeyringReport> remove(GossipKey key) {
    return run(new KeyringCodec.Request(Op.REMOVE, Optional.of(key)));
  }

  @Override
  public CompletableFuture<KeyringReport> rotate(GossipKey next) {
    if (keyring.ring().keys().isEmpty()) {
      return node.offLoop(CompletableFuture.failedFuture(off()));
    }
    // No shortcut when 'next' is already the primary here: an earlier rotation may have stopped
    // after switching some members, and repeating it must still finish the job.
    return install(next).thenCompose(r -> use(next)).thenCompose(r -> removeAllBut(next));
  }

  /** Removes, one after another, every key this member holds other than {@code keep}. */
  private CompletableFuture<KeyringReport> removeAllBut(GossipKey keep) {
    List<GossipKey> others = keyring.ring().keys().stream().filter(k -> !k.equals(keep)).toList();
    CompletableFuture<KeyringReport> done = list();
    for (GossipKey k : others) {
      done = done.thenCompose(r -> remove(k));
    }
    return done;
  }

  /**
   * Runs {@code request} on every active member. A switch of the primary ({@code use}) or a removal
   * is first checked against every member's ring, and made nowhere unless it is safe everywhere: a
   * member left without the others' primary, or whose primary was removed, would be cut off.
   */
  private CompletableFuture<KeyringReport> run(KeyringCodec.Request request) {
    Objects.requireNonNull(request, "request");
    if (!node.config().security().encryption().usesKeys()) {
      return node.offLoop(CompletableFuture.failedFuture(off()));
    }
    String operation = request.op().name().toLowerCase(java.util.Locale.ROOT)
        + request.key().map(k -> " " + k.fingerprint()).orElse("");
    CompletableFuture<KeyringReport> done;
    if (request.op() == Op.USE || request.op() == Op.REMOVE) {
      String fingerprint = request.key().orElseThrow().fingerprint();
      done = everywhere(new KeyringCodec.Request(Op.LIST, Optional.empty()), operation + " (check)").thenCompose(check -> {
        Map<NodeId, String> unsafe = new TreeMap<>(check.failures());
        check.keys().forEach((id, fingerprints) -> {
          if (request.op() == Op.USE && !fingerprints.contains(fingerprint)) {
            unsafe.put(id, ConvoyException.NO_SUCH_KEY.name() + ": does not hold key " + fingerprint + "; install it first");
          } else if (request.op() == Op.REMOVE && !fingerprints.isEmpty() && fingerprints.get(0).equals(fingerprint)) {
            unsafe.put(id, ConvoyException.KEY_IN_USE.name() + ": key " + fingerprint + " is its primary; use another first");
          }
        });
        if (!unsafe.isEmpty()) {
          KeyringReport refusal = new KeyringReport(operation + " (refused: changed nowhere)", check.keys(), unsafe,
              check.notAsked());
          // Every member answered: the change itself is refused (a conflict), not the cluster unreachable.
          return CompletableFuture.failedFuture(check.complete() ? KeyringException.refused(refusal)
              : new KeyringException(refusal));
        }
        return everywhere(request, operation);
      });
    } else {
      done = everywhere(request, operation);
    }
    return node.offLoop(done.thenApply(report -> {
      if (!report.notAsked().isEmpty()) {
        log.warn("convoy keyring {}: members {} are not active and were not changed; give them the new keys "
            + "before they return", operation, report.notAsked());
      }
      if (!report.complete()) {
        throw new KeyringException(report);
      }
      log.info("convoy keyring {}: done on {} members", operation, report.keys().size());
      return report;
    }));
  }

  /** Asks every other active member, then applies the request here (last), and reports. */
  private CompletableFuture<KeyringReport> everywhere(KeyringCodec.Request request, String operation) {
    Snapshot s = node.snapshot();
    NodeId self = s.self().id();
    List<Member> others = new ArrayList<>();
    List<NodeId> notAsked = new ArrayList<>();
    for (Member m : s.members()) {
      if (m.id().equals(self)) {
        continue;
      }
      if (m.state().isActive()) {
        others.add(m);
      } else {
        notAsked.add(m.id());
      }
    }
    Map<NodeId, List<String>> keys = new TreeMap<>();
    Map<NodeId, String> failures = new TreeMap<>();
    byte[] payload = KeyringCodec.encode(request);
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    for (Member m : others) {
      calls.add(node.transport().call(m.address(), ConvoyNode.KEYRING, payload, node.config().requestTimeout())
          .handle((reply, err) -> {
            synchronized (keys) {
              if (err == null) {
                keys.put(m.id(), KeyringCodec.decodeFingerprints(reply));
              } else {
                failures.put(m.id(), describe(err));
              }
            }
            return null;
          }));
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenCompose(v -> node.onLoop(() -> {
      synchronized (keys) {
        try {
          keys.put(self, apply(keyring, request));
        } catch (BourneException e) {
          failures.put(self, e.code().name() + ": " + e.getMessage());
        }
        return new KeyringReport(operation, keys, failures, notAsked);
      }
    }));
  }

  private static ConvoyException off() {
    return new ConvoyException(ConvoyException.ENCRYPTION_OFF,
        "gossip encryption is OFF on this member: there is no keyring to change");
  }

  private static String describe(Throwable err) {
    Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (c instanceof RemoteException r) {
      return r.code().name() + ": " + r.getMessage();
    }
    if (c instanceof BourneException b) {
      return b.code().name() + ": " + b.getMessage();
    }
    return c.toString();
  }
}
