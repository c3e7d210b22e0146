package dev.bourne.convoy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.convoy.api.MemberState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * When a failed probe ends, driven through the pure core: early when nothing more can come of it
 * (every relay nacked and the TCP ping could not be delivered), at the end of the period otherwise.
 */
class ProbeConclusionTest {
  static final ProtocolConfig CONFIG = ProtocolConfig.from(GossipConfig.lan());
  static final long STEP = 5_000_000L;

  /** A core that knows four other members, with the probe it sent, up to its indirect phase. */
  static final class Scenario {
    final SwimCore core;
    long now;
    final List<Send> sends = new ArrayList<>();
    final List<MemberState> healthOfTarget = new ArrayList<>();
    Send ping;
    Send tcpPing;
    final List<Send> pingReqs = new ArrayList<>();
    final Map<HostPort, NodeId> ids = new java.util.HashMap<>();

    Scenario(long seed) {
      Random random = new Random(seed);
      core = new SwimCore(CONFIG, random, NodeId.random(random), new HostPort("10.0.0.1", 7946), 1, Map.of(), 0, 0);
      List<Message.MemberRecord> records = new ArrayList<>();
      for (int i = 2; i <= 5; i++) {
        records.add(new Message.MemberRecord(NodeId.random(random), new HostPort("10.0.0." + i, 7946), 1, 1,
            MemberState.ALIVE));
      }
      records.forEach(r -> ids.put(r.address(), r.id()));
      core.receive(0, new HostPort("10.0.0.2", 7946), new Message.PushPull(true, true, records.get(0).id(), records, List.of()));
      collect();
      while (ping == null) {
        advance();
      }
      long start = now;
      while (tcpPing == null) {
        advance();
        assertTrue(now - start <= CONFIG.probeTimeoutNanos() + STEP, "no indirect phase after the probe timeout");
      }
      assertEquals(CONFIG.indirectChecks(), pingReqs.size(), "a ping-req to each of k relays");
    }

    NodeId target() {
      return ((Message.Ping) ping.message()).target();
    }

    long seq() {
      return ((Message.Ping) ping.message()).seq();
    }

    void advance() {
      now += STEP;
      core.tick(now);
      collect();
    }

    void nackFromEveryRelay() {
      for (Send r : pingReqs) {
        nackFrom(r.to(), ids.get(r.to()));
      }
    }

    void nackFrom(HostPort address, NodeId sender) {
      core.receive(now, address, new Message.Nack(seq(), sender));
      collect();
    }

    void collect() {
      Ready ready = core.drain();
      for (Send s : ready.sends()) {
        sends.add(s);
        if (s.message() instanceof Message.Ping p && !p.target().equals(core.id())) {
          if (s.channel() == Channel.UDP && ping == null) {
            ping = s;
          } else if (s.channel() == Channel.TCP && ping != null && p.seq() == seq()) {
            tcpPing = s;
          }
        } else if (s.message() instanceof Message.PingReq && ping != null) {
          pingReqs.add(s);
        }
      }
      for (CoreEvent e : ready.events()) {
        if (e instanceof CoreEvent.Health h && ping != null && h.event().member().id().equals(target())) {
          healthOfTarget.add(h.event().health());
        }
      }
    }
  }

  @Test
  void aProbeWhoseRelaysNackedAndWhoseTcpPingFailedEndsAtOnceWithASuspicion() {
    for (long seed = 1; seed <= 20; seed++) {
      Scenario s = new Scenario(seed);
      long endOfPeriod = s.now - CONFIG.probeTimeoutNanos() + CONFIG.probeIntervalNanos() - STEP;
      s.nackFromEveryRelay();
      assertEquals(List.of(), s.healthOfTarget, "nacks alone end nothing (seed " + seed + ")");
      s.core.sendFailed(s.now, s.tcpPing.sendId());
      s.collect();
      assertEquals(List.of(MemberState.SUSPECT), s.healthOfTarget, "seed " + seed);
      assertTrue(s.now < endOfPeriod, "suspected before the period's end");
    }
  }

  @Test
  void withoutCompleteEvidenceTheProbeRunsItsFullPeriod() {
    for (long seed = 1; seed <= 20; seed++) {
      for (int variant = 0; variant < 2; variant++) {
        Scenario s = new Scenario(seed);
        long probeStart = s.now - CONFIG.probeTimeoutNanos();
        if (variant == 0) {
          s.nackFromEveryRelay(); // the TCP ping is still under way: a slow member may yet answer it
        } else {
          s.core.sendFailed(s.now, s.tcpPing.sendId()); // relays still trying
          s.collect();
        }
        while (s.healthOfTarget.isEmpty()) {
          s.advance();
          assertTrue(s.now - probeStart <= CONFIG.probeIntervalNanos() * 2, "never suspected (seed " + seed + ")");
        }
        assertEquals(MemberState.SUSPECT, s.healthOfTarget.get(0));
        assertTrue(s.now - probeStart >= CONFIG.probeIntervalNanos() - 2 * STEP,
            "suspected " + (s.now - probeStart) / 1e6 + " ms into the probe, before its period ended (seed " + seed + ")");
      }
    }
  }

  @Test
  void aNackCountsOncePerRelayAsked() {
    for (long seed = 1; seed <= 20; seed++) {
      Scenario s = new Scenario(seed);
      Send first = s.pingReqs.get(0);
      for (int i = 0; i < s.pingReqs.size(); i++) {
        s.nackFrom(first.to(), s.ids.get(first.to())); // one relay's nack, duplicated (or replayed)
      }
      s.nackFrom(first.to(), NodeId.random(new Random(seed))); // and a nack from a member never asked
      s.core.sendFailed(s.now, s.tcpPing.sendId());
      s.collect();
      assertEquals(List.of(), s.healthOfTarget, "duplicates ended the probe early (seed " + seed + ")");
      for (Send r : s.pingReqs.subList(1, s.pingReqs.size())) {
        s.nackFrom(r.to(), s.ids.get(r.to()));
      }
      assertEquals(List.of(MemberState.SUSPECT), s.healthOfTarget, "every relay's nack ends it (seed " + seed + ")");
    }
  }

  @Test
  void aTcpAckStillSavesTheTarget() {
    Scenario s = new Scenario(7);
    s.nackFromEveryRelay();
    s.core.receiveAnswer(s.now, s.tcpPing.to(), new Message.Ack(s.seq(), s.target(), List.of()));
    s.collect();
    for (int i = 0; i < CONFIG.probeIntervalNanos() / STEP; i++) {
      s.advance();
    }
    assertNotNull(s.core.member(s.target()).orElse(null));
    assertEquals(MemberState.ALIVE, s.core.stateOf(s.target()));
  }
}
