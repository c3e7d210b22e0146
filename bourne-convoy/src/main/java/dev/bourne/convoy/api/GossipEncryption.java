package dev.bourne.convoy.api;

/**
 * Whether a member encrypts what it sends and whether it accepts plaintext: the steps of moving a
 * running group from plaintext to encryption without downtime. Restart every member with {@link
 * #ACCEPT} (and the key), then every member with {@link #ENCRYPT}, then every member with {@link
 * #REQUIRE}; at each step every member still understands every other.
 */
public enum GossipEncryption {
  /** Sends plaintext and accepts only plaintext; no keys. */
  OFF(false, false),
  /** Rollout step 1: sends plaintext, accepts plaintext and encrypted messages. */
  ACCEPT(false, false),
  /** Rollout step 2: sends encrypted, still accepts plaintext from members not yet at this step. */
  ENCRYPT(true, false),
  /** Encrypts everything and drops (counts and logs) any plaintext message. The goal. */
  REQUIRE(true, true);

  private final boolean encrypts;
  private final boolean requires;

  GossipEncryption(boolean encrypts, boolean requires) {
    this.encrypts = encrypts;
    this.requires = requires;
  }

  /** True if messages this member sends are encrypted. */
  public boolean encrypts() {
    return encrypts;
  }

  /** True if plaintext messages are refused. */
  public boolean requiresEncryption() {
    return requires;
  }

  /** True if this mode holds keys (every mode but {@link #OFF}). */
  public boolean usesKeys() {
    return this != OFF;
  }
}
