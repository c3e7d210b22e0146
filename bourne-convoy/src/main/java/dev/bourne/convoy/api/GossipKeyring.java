package dev.bourne.convoy.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The group's gossip keys, changed on every active member at once: the way to rotate keys without
 * downtime (install the new key everywhere, make it the primary everywhere, remove the old one), as
 * {@link #rotate} does in one call. Each operation asks every active member, this one included,
 * over an encrypted request, and completes with a {@link KeyringReport}; it fails with a {@link
 * KeyringException} (code {@code KEYRING_INCOMPLETE}, carrying the report) unless every active member
 * answered. Changes persist on each member before it answers. Obtained from {@link
 * ConvoyHost#keyring()}.
 *
 * <p>Every method fails with {@link ConvoyException} code {@code ENCRYPTION_OFF} when this member
 * runs with {@link GossipEncryption#OFF}. Thread-safe.
 */
public interface GossipKeyring {
  /** This member's keys, primary first. */
  List<GossipKey> localKeys();

  /** Every active member's keys. */
  CompletableFuture<KeyringReport> list();

  /** Adds {@code key} as a secondary key on every active member (nothing changes where it is held). */
  CompletableFuture<KeyringReport> install(GossipKey key);

  /**
   * Makes {@code key} the primary on every active member. A member that does not hold it refuses
   * ({@code NO_SUCH_KEY}): install it first.
   */
  CompletableFuture<KeyringReport> use(GossipKey key);

  /** Removes {@code key} on every active member; one whose primary it is refuses ({@code KEY_IN_USE}). */
  CompletableFuture<KeyringReport> remove(GossipKey key);

  /**
   * Rotates to {@code next}: install it everywhere, make it the primary everywhere, then remove
   * every other key this member holds, everywhere. Stops at the first step that did not reach every
   * active member (the failure's report says which step and who); repeating the rotation after a
   * failure finishes it.
   */
  CompletableFuture<KeyringReport> rotate(GossipKey next);
}
