package dev.bourne.convoy.host;

import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.GossipKey;
import dev.bourne.convoy.api.GossipSecurity;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's gossip keys: the primary encrypts, every key decrypts. Read from any thread (an
 * immutable snapshot swapped whole); changed on the member's loop only, each change persisted before
 * it takes effect, so a restart comes back with the ring as it was last changed.
 */
final class Keyring {
  private static final Logger log = LoggerFactory.getLogger(Keyring.class);

  /** An immutable ring: keys primary first, with their cipher keys in the same order. */
  record Ring(List<GossipKey> keys, List<SecretKey> secrets) {
    static Ring of(List<GossipKey> keys) {
      List<SecretKey> s = new ArrayList<>();
      for (GossipKey k : keys) {
        s.add(new SecretKeySpec(k.bytes(), "AES"));
      }
      return new Ring(List.copyOf(keys), List.copyOf(s));
    }

    SecretKey primary() {
      return secrets.isEmpty() ? null : secrets.get(0);
    }
  }

  private final DurableState state;
  private volatile Ring ring;

  private Keyring(DurableState state, List<GossipKey> keys) {
    this.state = state;
    this.ring = Ring.of(keys);
  }

  /**
   * The ring a member starts with. The persisted ring wins over the configured keys (a restart must
   * not undo a rotation), and the member says so at WARN when the configuration names keys the
   * persisted ring lacks; {@link GossipSecurity#overridePersistedKeyring()} reverses that, also logged.
   * With encryption OFF there is no ring, whatever is persisted.
   */
  static Keyring load(GossipSecurity security, DurableState state, String member) {
    if (!security.encryption().usesKeys()) {
      return new Keyring(state, List.of());
    }
    List<GossipKey> persisted = new ArrayList<>();
    for (String s : state.keyring()) {
      persisted.add(GossipKey.parse(s));
    }
    List<GossipKey> configured = security.keys();
    if (persisted.isEmpty()) {
      state.saveKeyring(base64(configured));
      return new Keyring(state, configured);
    }
    if (persisted.equals(configured)) {
      return new Keyring(state, persisted);
    }
    if (security.overridePersistedKeyring()) {
      log.warn("convoy member {}: the configured gossip keys {} replace the persisted keyring {} "
          + "(overridePersistedKeyring is set)", member, configured, persisted);
      state.saveKeyring(base64(configured));
      return new Keyring(state, configured);
    }
    List<GossipKey> missing = configured.stream().filter(k -> !persisted.contains(k)).toList();
    if (!missing.isEmpty()) {
      log.warn("convoy member {}: the persisted gossip keyring {} (primary {}) wins over the configured keys; "
          + "configured keys {} are not in it. Install them with the keyring command, or set "
          + "overridePersistedKeyring to replace the persisted ring", member, persisted, persisted.get(0), missing);
    } else {
      log.info("convoy member {}: using the persisted gossip keyring {} (primary {}), changed since the "
          + "configuration's", member, persisted, persisted.get(0));
    }
    return new Keyring(state, persisted);
  }

  Ring ring() {
    return ring;
  }

  /** Adds {@code key} as a secondary key (nothing changes if it is already held). */
  void install(GossipKey key) {
    Ring r = ring;
    if (r.keys().contains(key)) {
      return;
    }
    List<GossipKey> keys = new ArrayList<>(r.keys());
    keys.add(key);
    set(keys);
  }

  /** Makes the held {@code key} the primary. @throws ConvoyException NO_SUCH_KEY if not held */
  void use(GossipKey key) {
    Ring r = ring;
    if (!r.keys().contains(key)) {
      throw new ConvoyException(ConvoyException.NO_SUCH_KEY, "gossip key " + key.fingerprint() + " is not installed here");
    }
    List<GossipKey> keys = new ArrayList<>(r.keys());
    keys.remove(key);
    keys.add(0, key);
    set(keys);
  }

  /**
   * Removes {@code key} (nothing changes if it is not held).
   *
   * @throws ConvoyException KEY_IN_USE if it is the primary
   */
  void remove(GossipKey key) {
    Ring r = ring;
    if (!r.keys().isEmpty() && r.keys().get(0).equals(key)) {
      throw new ConvoyException(ConvoyException.KEY_IN_USE, "gossip key " + key.fingerprint()
          + " is the primary: make another key primary first");
    }
    if (!r.keys().contains(key)) {
      return;
    }
    List<GossipKey> keys = new ArrayList<>(r.keys());
    keys.remove(key);
    set(keys);
  }

  private void set(List<GossipKey> keys) {
    state.saveKeyring(base64(keys)); // durable first: a crash right after must not revert the change
    ring = Ring.of(keys);
  }

  private static List<String> base64(List<GossipKey> keys) {
    return keys.stream().map(GossipKey::toBase64).collect(Collectors.toList());
  }
}
