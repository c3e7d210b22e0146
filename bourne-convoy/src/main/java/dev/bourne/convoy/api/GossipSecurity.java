package dev.bourne.convoy.api;

import dev.bourne.common.config.ConfigCheck;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;

/**
 * How a member keeps its group to itself: the cluster name every message carries (messages of
 * another cluster are dropped, counted and logged once, with or without encryption), and AES-GCM
 * encryption and authentication of every message, UDP and TCP, with the cluster name bound in as
 * associated data so that a message of another cluster never decrypts.
 *
 * <p><b>Keys.</b> {@code keys} is the keyring to start with: the first key encrypts (the primary),
 * every key decrypts. The keyring changes at runtime through {@link ConvoyHost#keyring()} and is
 * persisted in the data directory. <b>Precedence:</b> a persisted keyring wins over these keys, so
 * that a restart never undoes a rotation; the member logs at WARN which configured keys it lacks. Set
 * {@code overridePersistedKeyring} to make these keys replace the persisted ring instead (logged).
 *
 * @param clusterName at most 64 bytes of {@code [A-Za-z0-9._:-]}; empty is a name too (the default)
 * @param encryption the rollout step ({@link GossipEncryption#OFF} by default)
 * @param keys the starting keyring, primary first; empty exactly when encryption is OFF
 * @param overridePersistedKeyring true to replace a persisted keyring with {@code keys}
 */
public record GossipSecurity(String clusterName, GossipEncryption encryption, List<GossipKey> keys,
    boolean overridePersistedKeyring) {

  /** The longest cluster name, in bytes. */
  public static final int MAX_CLUSTER_NAME_BYTES = 64;

  /** No encryption, the empty cluster name: isolated only from groups with another name. */
  public static final GossipSecurity NONE = new GossipSecurity("", GossipEncryption.OFF, List.of(), false);

  /** Validates. @throws dev.bourne.common.config.ConfigException naming the first bad key */
  public GossipSecurity {
    ConfigCheck.notNull(clusterName, "security.clusterName");
    ConfigCheck.notNull(encryption, "security.encryption");
    ConfigCheck.notNull(keys, "security.keys");
    keys = List.copyOf(keys);
    ConfigCheck.require(clusterName.getBytes(StandardCharsets.UTF_8).length <= MAX_CLUSTER_NAME_BYTES,
        "security.clusterName", clusterName, "must be at most " + MAX_CLUSTER_NAME_BYTES + " bytes");
    ConfigCheck.require(clusterName.chars().allMatch(GossipSecurity::nameChar), "security.clusterName", clusterName,
        "may hold only letters, digits and . _ : -");
    ConfigCheck.require(encryption.usesKeys() || keys.isEmpty(), "security.keys", keys.size() + " keys",
        "must be empty when encryption is OFF");
    ConfigCheck.require(!encryption.usesKeys() || !keys.isEmpty(), "security.keys", "none",
        "encryption " + encryption + " needs at least one key");
    ConfigCheck.require(new HashSet<>(keys).size() == keys.size(), "security.keys", keys, "must not repeat a key");
  }

  /** Plaintext messages carrying {@code clusterName}. */
  public static GossipSecurity named(String clusterName) {
    return new GossipSecurity(clusterName, GossipEncryption.OFF, List.of(), false);
  }

  /** Every message encrypted with {@code primary} (and {@code more} accepted), carrying {@code clusterName}. */
  public static GossipSecurity encrypted(String clusterName, GossipKey primary, GossipKey... more) {
    List<GossipKey> ring = new java.util.ArrayList<>();
    ring.add(primary);
    ring.addAll(List.of(more));
    return new GossipSecurity(clusterName, GossipEncryption.REQUIRE, ring, false);
  }

  /** This configuration at another rollout step (keys unchanged). */
  public GossipSecurity withEncryption(GossipEncryption step) {
    return new GossipSecurity(clusterName, step, keys, overridePersistedKeyring);
  }

  /** This configuration with another starting keyring, primary first. */
  public GossipSecurity withKeys(List<GossipKey> ring) {
    return new GossipSecurity(clusterName, encryption, ring, overridePersistedKeyring);
  }

  /** This configuration, with {@code keys} replacing a persisted keyring or not. */
  public GossipSecurity withOverridePersistedKeyring(boolean override) {
    return new GossipSecurity(clusterName, encryption, keys, override);
  }

  private static boolean nameChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '_' || c == ':' || c == '-';
  }
}
