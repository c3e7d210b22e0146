package dev.bourne.it.node;

import dev.bourne.common.config.ConfigCheck;
import dev.bourne.convoy.api.GossipSecurity;
import dev.bourne.net.TlsConfig;
import java.util.Optional;

/**
 * A node's protections: the cluster name and gossip encryption of its Convoy member, and the bearer
 * token its HTTP API asks of writes and admin calls.
 *
 * <p><b>HTTP.</b> With a token, every request but the reads ({@code GET} of keys, members, groups,
 * status and metrics) must carry {@code Authorization: Bearer <token>}. Without one, writes are open
 * (the API listens on 127.0.0.1 by default) but admin calls are refused whenever gossip encryption is
 * on: a node that protects its gossip must not let anyone who reaches its HTTP port change its keys.
 *
 * @param gossip cluster name and encryption — keys {@code cluster-name}, {@code gossip-encryption},
 *     {@code gossip-keys} / {@code gossip-key-file}, {@code gossip-keyring-override}
 * @param httpToken the bearer token — key {@code http-token} or {@code http-token-file}
 * @param tls mutual TLS for the peer transport (Convoy's and Kayak's TCP), and TLS for the HTTP API
 *     with the same certificate (clients are not asked for one) — keys {@code tls-cert-chain},
 *     {@code tls-private-key}, {@code tls-trusted-certs}, {@code tls-reload}
 */
public record NodeSecurity(GossipSecurity gossip, Optional<String> httpToken, Optional<TlsConfig> tls) {
  /** No protection beyond the empty cluster name. */
  public static final NodeSecurity NONE = new NodeSecurity(GossipSecurity.NONE, Optional.empty(), Optional.empty());

  /** Validates. @throws dev.bourne.common.config.ConfigException naming the bad key */
  public NodeSecurity {
    ConfigCheck.notNull(gossip, "cluster-name");
    ConfigCheck.notNull(httpToken, "http-token");
    ConfigCheck.notNull(tls, "tls-cert-chain");
    httpToken.ifPresent(t -> ConfigCheck.require(t.length() >= 16 && t.chars().allMatch(c -> c > 0x20 && c < 0x7f),
        "http-token", "(hidden)", "must be at least 16 printable characters without spaces"));
  }

  /** True if admin calls may run: a token is set, or gossip is not encrypted. */
  public boolean adminAllowedWithoutToken() {
    return httpToken.isEmpty() && !gossip.encryption().usesKeys();
  }

  /** Hides the token. */
  @Override
  public String toString() {
    return "NodeSecurity[gossip=" + gossip + ", httpToken=" + (httpToken.isPresent() ? "(set)" : "(none)")
        + ", tls=" + tls.map(Object::toString).orElse("(none)") + "]";
  }
}
