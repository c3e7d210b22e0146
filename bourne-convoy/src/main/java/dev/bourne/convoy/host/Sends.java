package dev.bourne.convoy.host;

import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.core.Channel;
import dev.bourne.convoy.core.Message;
import dev.bourne.convoy.core.Send;
import dev.bourne.convoy.wire.WireCodec;
import dev.bourne.net.Transport;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The sends of a {@link dev.bourne.convoy.core.Ready}, carried out over the member's transport: UDP
 * messages as datagrams (over the connection when too big for one), TCP requests as calls whose
 * answer goes back to the core. A failed send is reported to the core so the updates it carried
 * are not counted as sent.
 */
final class Sends {
  private Sends() {}

  /** Sends each message. Runs on the loop; completions come back to it. */
  static void carryOut(ConvoyNode node, List<Send> sends) {
    for (Send s : sends) {
      send(node, s);
    }
  }

  private static void send(ConvoyNode node, Send s) {
    Transport transport = node.transport();
    byte[] bytes = WireCodec.encode(s.message());
    long id = s.sendId();
    HostPort to = s.to();
    if (s.channel() == Channel.UDP) {
      CompletableFuture<Void> f;
      try {
        f = bytes.length <= transport.maxDatagramPayload()
            ? transport.sendDatagram(to, ConvoyNode.UDP, bytes)
            : transport.send(to, ConvoyNode.UDP, bytes); // too big for one datagram: the same message over TCP
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((ok, err) -> {
        if (err != null) {
          node.execute(() -> {
            node.core().sendFailed(node.now(), id);
            node.process(node.core().drain()); // a failed TCP ping may end a probe, with a suspicion to spread
          });
        }
      });
    } else {
      transport.call(to, ConvoyNode.TCP, bytes, node.config().requestTimeout())
          .whenComplete((reply, err) -> node.execute(() -> {
            if (err != null) {
              node.core().sendFailed(node.now(), id);
            } else {
              Message m = node.decode(to, reply);
              if (m != null) {
                node.core().receiveAnswer(node.now(), to, m);
              }
            }
            node.process(node.core().drain());
          }));
    }
  }
}
