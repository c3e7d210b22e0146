package dev.bourne.kayak.groups.core;

import dev.bourne.convoy.api.MemberState;
import java.util.Objects;

/**
 * Another member's advert for a group as this member's directory shows it, with the health gossip
 * gives that member.
 *
 * @param advert what it published
 * @param health its state in the Convoy directory
 */
public record Seen(Advert advert, MemberState health) {
  /** @throws NullPointerException if a component is null */
  public Seen {
    Objects.requireNonNull(advert, "advert");
    Objects.requireNonNull(health, "health");
  }

  /** Alive in the directory (not suspected, failed or gone). */
  public boolean alive() {
    return health == MemberState.ALIVE;
  }

  /** Still part of the directory's group: it did not leave and was not evicted. */
  public boolean present() {
    return health != MemberState.LEFT && health != MemberState.EVICTED;
  }
}
