package dev.bourne.it.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.testing.Await;
import dev.bourne.convoy.api.GossipSecurity;
import dev.bourne.it.http.Views;
import dev.bourne.net.TlsConfig;
import dev.bourne.net.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real nodes whose certificates name them ({@code tls-bind-identity}): each node is the id its
 * certificate's common name holds, in Convoy and in every group, and the cluster forms and serves
 * as usual, with every peer's messages checked against its certificate.
 */
class NodeIdentityTest {
  private static final NodeId A = NodeId.parse("00000000-0000-4000-8000-0000000000aa");
  private static final NodeId B = NodeId.parse("00000000-0000-4000-8000-0000000000bb");
  @TempDir static Path certDir;
  private static TestCertificates certs;

  @TempDir Path dir;

  @BeforeAll
  static void certificates() {
    certs = new TestCertificates(certDir, List.of(A.toString(), B.toString()));
  }

  @AfterAll
  static void deleteCertificates() {
    certs.close();
  }

  private NodeConfig config(String name, NodeId id, List<HostPort> join, int expect) {
    TlsConfig tls = certs.bound(id.toString());
    return NodeConfig.builder(dir.resolve("data-" + name)).bind(new HostPort("127.0.0.1", 0))
        .http(new HostPort("127.0.0.1", 0)).join(join).expect(expect).gossip("local").stabilization(Duration.ZERO)
        .security(new NodeSecurity(GossipSecurity.named("identity-test"), Optional.empty(), Optional.of(tls))).build();
  }

  @Test
  void nodesAreTheIdsTheirCertificatesNameEverywhere() throws Exception {
    try (Node a = Node.start(config("a", A, List.of(), 1))) {
      a.ready().get(60, TimeUnit.SECONDS);
      assertEquals(A, a.convoy().id());
      try (Node b = Node.start(config("b", B, List.of(a.address()), 1))) {
        b.ready().get(60, TimeUnit.SECONDS);
        assertEquals(B, b.convoy().id());
        // With one voter expected, autopilot keeps b a learner: a member of every group, as itself.
        Await.until("b is in every group, as itself", Duration.ofSeconds(60), () -> a.groups().stream()
            .allMatch(g -> g.members().stream().anyMatch(m -> m.id().equals(B.toString()))));
        for (Views.GroupInfo g : a.groups()) {
          for (Views.GroupMember m : g.members()) {
            assertTrue(m.id().equals(A.toString()) || m.id().equals(B.toString()), "a member id no certificate names: " + m);
          }
        }
        byte[] value = "certified".getBytes(StandardCharsets.UTF_8);
        b.kv().put("k", value, Optional.empty(), Optional.empty()).get(30, TimeUnit.SECONDS);
        assertArrayEquals(value, a.kv().get("k", false).get(30, TimeUnit.SECONDS).orElseThrow().value());
      }
    }
  }

  @Test
  void aGroupDirectoryFromBeforeTheBindingIsRefusedWithAClearError() throws Exception {
    Path groupDir = dir.resolve("data-old");
    // A node started once without the binding: its groups hold random member ids.
    NodeConfig plain = NodeConfig.builder(groupDir).bind(new HostPort("127.0.0.1", 0))
        .http(new HostPort("127.0.0.1", 0)).expect(1).gossip("local").stabilization(Duration.ZERO).build();
    try (Node n = Node.start(plain)) {
      n.ready().get(60, TimeUnit.SECONDS);
    }
    NodeConfig bound = config("old", A, List.of(), 1);
    try (Node n = Node.start(bound)) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> n.ready().get(60, TimeUnit.SECONDS));
      assertTrue(String.valueOf(e.getCause().getMessage()).contains("certificate names"), e.getCause().toString());
    }
  }
}
