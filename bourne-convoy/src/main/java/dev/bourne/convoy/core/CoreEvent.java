package dev.bourne.convoy.core;

import dev.bourne.convoy.api.HealthEvent;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.MembershipEvent;

/** Something the core tells its host: deliver it to listeners, or persist it. */
public sealed interface CoreEvent
    permits CoreEvent.Membership, CoreEvent.Health, CoreEvent.SelfEvicted, CoreEvent.IncarnationChanged,
        CoreEvent.OwnItemChanged {

  /** A membership change for listeners. */
  record Membership(MembershipEvent event) implements CoreEvent {}

  /** A health change for listeners. */
  record Health(HealthEvent event) implements CoreEvent {}

  /** The local member was evicted: the host must close and forget its identity. */
  record SelfEvicted() implements CoreEvent {}

  /** The local incarnation rose: the host should persist it. */
  record IncarnationChanged(long incarnation) implements CoreEvent {}

  /** The local member's own item changed: the host should persist it with the version counter. */
  record OwnItemChanged(String key, Item item, long lastVersion) implements CoreEvent {}
}
