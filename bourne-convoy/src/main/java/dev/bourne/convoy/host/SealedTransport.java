package dev.bourne.convoy.host;

import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.Clock;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.GossipEncryption;
import dev.bourne.convoy.api.GossipSecurity;
import dev.bourne.convoy.wire.PacketSeal;
import dev.bourne.convoy.wire.PacketSeal.Opened;
import dev.bourne.net.Inbound;
import dev.bourne.net.MessageHandler;
import dev.bourne.net.RequestHandler;
import dev.bourne.net.Transport;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member's view of its transport: every payload it sends, requests, replies and datagrams
 * alike, leaves inside a {@link PacketSeal} envelope naming the cluster (encrypted with the
 * keyring's primary when the rollout step encrypts), and every payload it receives is opened and
 * checked before the member sees it. A message of another cluster, one no key opens, an encrypted
 * one replayed or too old ({@link ReplayGuard}), or plaintext where encryption is required is dropped (a request is refused with {@code FOREIGN_CLUSTER} or
 * {@code UNAUTHENTICATED}), counted, and logged once per kind. Other users of the inner transport
 * (its other methods) are untouched.
 *
 * <p>Thread-safe, as the inner transport is.
 */
final class SealedTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(SealedTransport.class);

  private final Transport inner;
  private final PacketSeal seal;
  private final GossipEncryption mode;
  private final Keyring keyring;
  private final Random nonces;
  private final java.util.function.Consumer<HostPort> onMalformed;
  private final AtomicLong foreign = new AtomicLong();
  private final AtomicLong unauthenticated = new AtomicLong();
  private final AtomicLong plaintext = new AtomicLong();
  private final AtomicBoolean foreignLogged = new AtomicBoolean();
  private final AtomicBoolean unauthenticatedLogged = new AtomicBoolean();
  private final AtomicLong replayed = new AtomicLong();
  private final AtomicBoolean replayLogged = new AtomicBoolean();
  private final ReplayGuard replays = new ReplayGuard();
  private final Clock clock;
  private final java.util.Set<String> alwaysSealed = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param nonces where AES-GCM nonces come from: a {@link java.security.SecureRandom} in production
   * @param clock the wall clock that stamps encrypted messages and judges their age
   * @param onMalformed counts a payload that is not an envelope at all (the member's malformed count)
   */
  SealedTransport(Transport inner, GossipSecurity security, Keyring keyring, Random nonces, Clock clock,
      java.util.function.Consumer<HostPort> onMalformed) {
    this.inner = inner;
    this.clock = clock;
    this.seal = new PacketSeal(security.clusterName());
    this.mode = security.encryption();
    this.keyring = keyring;
    this.nonces = nonces;
    this.onMalformed = onMalformed;
  }

  /** Messages of another cluster dropped since start. */
  long foreignClusterMessages() {
    return foreign.get();
  }

  /** Messages dropped since start because no key opened them or they were plaintext where refused. */
  long unauthenticatedMessages() {
    return unauthenticated.get();
  }

  /** Encrypted messages refused since start as replayed, or stamped too far from this member's clock. */
  long replayedMessages() {
    return replayed.get();
  }

  /** Plaintext messages accepted since start (during a rollout: members not yet encrypting). */
  long plaintextMessages() {
    return plaintext.get();
  }

  /** Bytes an envelope adds to a payload, at most. */
  int overhead() {
    return seal.sealedOverhead();
  }

  private byte[] wrap(byte[] payload) {
    return wrap(payload, false);
  }

  /** @param always seal whatever the rollout step (methods registered with {@link #handleEncryptedOnly}) */
  private byte[] wrap(byte[] payload, boolean always) {
    SecretKey primary = keyring.ring().primary();
    return (mode.encrypts() || always) && primary != null ? seal.seal(payload, primary, nonces, clock.wallMillis())
        : seal.plain(payload);
  }

  /** An opened payload, or why it was refused. */
  private record Unwrapped(byte[] payload, ConvoyException refusal) {}

  /** Opens and checks a message; a refusal is counted and logged once per kind. */
  private Unwrapped unwrap(HostPort remote, byte[] message, boolean encryptionRequired) {
    Opened o = seal.open(message, keyring.ring().secrets());
    switch (o.status()) {
      case DECRYPTED: {
        long now = clock.wallMillis();
        ReplayGuard.Verdict v = replays.check(now, o.sentAtMillis(), o.nonceHigh(), o.nonceLow());
        if (v == ReplayGuard.Verdict.FRESH) {
          return new Unwrapped(o.payload(), null);
        }
        String what = v == ReplayGuard.Verdict.REPLAYED ? "a replayed message"
            : "a message stamped " + (o.sentAtMillis() - now) / 1000 + " s away from this member's clock"
                + " (clocks must agree within " + ReplayGuard.WINDOW_MILLIS / 1000 + " s; or a replay)";
        refuse(replayed, replayLogged, remote, what);
        return refused(ConvoyException.UNAUTHENTICATED, what);
      }
      case PLAIN:
        if (!encryptionRequired) {
          plaintext.incrementAndGet();
          return new Unwrapped(o.payload(), null);
        }
        refuse(unauthenticated, unauthenticatedLogged, remote, "a plaintext message where encryption is required");
        return refused(ConvoyException.UNAUTHENTICATED, "plaintext where encryption is required");
      case FOREIGN_CLUSTER:
        refuse(foreign, foreignLogged, remote, "a message of another cluster");
        return refused(ConvoyException.FOREIGN_CLUSTER, "the message names another cluster");
      case UNDECRYPTABLE:
        refuse(unauthenticated, unauthenticatedLogged, remote, "a message no key of this member's keyring opens");
        return refused(ConvoyException.UNAUTHENTICATED, "no key of the receiver's keyring opens the message");
      default:
        onMalformed.accept(remote);
        return refused(dev.bourne.common.error.ErrorCode.BAD_REQUEST, "not a convoy envelope");
    }
  }

  private static Unwrapped refused(dev.bourne.common.error.ErrorCode code, String why) {
    return new Unwrapped(null, new ConvoyException(code, why));
  }

  private static void refuse(AtomicLong count, AtomicBoolean logged, HostPort remote, String what) {
    count.incrementAndGet();
    if (logged.compareAndSet(false, true)) {
      log.warn("convoy: dropping {} from {} (logged once; counted)", what, remote);
    }
  }

  @Override
  public HostPort localAddress() {
    return inner.localAddress();
  }

  @Override
  public void handle(String method, RequestHandler handler) {
    handle(method, handler, mode.requiresEncryption());
  }

  /**
   * As {@link #handle}, refusing plaintext requests whatever the rollout step (keyring changes); its
   * replies, and this member's own calls of the method, are always sealed too.
   */
  void handleEncryptedOnly(String method, RequestHandler handler) {
    alwaysSealed.add(method);
    handle(method, handler, true);
  }

  private void handle(String method, RequestHandler handler, boolean encryptionRequired) {
    inner.handle(method, (Inbound from, byte[] payload) -> {
      Unwrapped request = unwrap(from.remote(), payload, encryptionRequired);
      if (request.refusal() != null) {
        return CompletableFuture.failedFuture(request.refusal());
      }
      return handler.handle(from, request.payload()).thenApply(reply -> wrap(reply, encryptionRequired));
    });
  }

  @Override
  public void listen(String method, MessageHandler handler) {
    inner.listen(method, (Inbound from, byte[] payload) -> {
      Unwrapped message = unwrap(from.remote(), payload, mode.requiresEncryption());
      if (message.refusal() == null) {
        handler.onMessage(from, message.payload());
      }
    });
  }

  @Override
  public CompletableFuture<byte[]> call(HostPort peer, String method, byte[] payload, Duration timeout) {
    boolean always = alwaysSealed.contains(method);
    return inner.call(peer, method, wrap(payload, always), timeout).thenApply(reply -> {
      Unwrapped opened = unwrap(peer, reply, mode.requiresEncryption() || always);
      if (opened.refusal() != null) {
        throw opened.refusal();
      }
      return opened.payload();
    });
  }

  @Override
  public CompletableFuture<Void> send(HostPort peer, String method, byte[] payload) {
    return inner.send(peer, method, wrap(payload));
  }

  @Override
  public CompletableFuture<Void> sendDatagram(HostPort peer, String method, byte[] payload) {
    return inner.sendDatagram(peer, method, wrap(payload));
  }

  /** What fits in one datagram once the envelope is added. */
  @Override
  public int maxDatagramPayload() {
    return inner.maxDatagramPayload() - seal.sealedOverhead();
  }

  @Override
  public void close() {
    inner.close();
  }
}
