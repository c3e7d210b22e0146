package dev.bourne.convoy.api;

import java.util.Objects;

/**
 * The answer to a conditional store write.
 *
 * @param ok true if the write was applied; false if the expected version did not match
 * @param item the key's item after the call: the new item if applied, the current one otherwise
 */
public record StoreResult(boolean ok, Item item) {
  /** Checks for nulls. */
  public StoreResult {
    Objects.requireNonNull(item, "item");
  }
}
