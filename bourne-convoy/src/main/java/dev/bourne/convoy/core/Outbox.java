package dev.bourne.convoy.core;

import dev.bourne.convoy.api.HealthEvent;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.api.MembershipEvent;
import java.util.ArrayList;
import java.util.List;

/** Collects what the core produces between two {@link SwimCore#drain()} calls. */
final class Outbox {
  private List<Send> sends = new ArrayList<>();
  private List<CoreEvent> events = new ArrayList<>();

  void send(Send s) {
    sends.add(s);
  }

  void event(CoreEvent e) {
    events.add(e);
  }

  void membership(MembershipEvent.Kind kind, Member m) {
    events.add(new CoreEvent.Membership(new MembershipEvent(kind, m)));
  }

  void health(MemberState health, Member m) {
    events.add(new CoreEvent.Health(new HealthEvent(health, m)));
  }

  Ready drain() {
    if (sends.isEmpty() && events.isEmpty()) {
      return Ready.EMPTY;
    }
    Ready s = new Ready(sends, events);
    sends = new ArrayList<>();
    events = new ArrayList<>();
    return s;
  }
}
