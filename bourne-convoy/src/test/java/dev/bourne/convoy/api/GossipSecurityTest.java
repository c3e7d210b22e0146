package dev.bourne.convoy.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.config.ConfigException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class GossipSecurityTest {
  static final GossipKey K1 = GossipKey.generate(new SecureRandom());
  static final GossipKey K2 = GossipKey.generate(new SecureRandom());

  @Test
  void keysParseFromBase64AndNeverPrintThemselves() {
    GossipKey k = GossipKey.parse(K1.toBase64());
    assertEquals(K1, k);
    assertEquals(K1.hashCode(), k.hashCode());
    assertFalse(k.toString().contains(k.toBase64()));
    assertTrue(k.toString().contains(k.fingerprint()));
    assertEquals(8, k.fingerprint().length());
    assertEquals(16, GossipKey.parse(Base64.getEncoder().encodeToString(new byte[16])).bytes().length);
    assertEquals(24, GossipKey.of(new byte[24]).bytes().length);
  }

  @Test
  void badKeysAreRefusedWithTheReason() {
    var e = assertThrows(IllegalArgumentException.class, () -> GossipKey.parse("not base64!"));
    assertTrue(e.getMessage().contains("base64"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GossipKey.of(new byte[20]));
    assertTrue(e.getMessage().contains("16, 24 or 32"), e.getMessage());
    assertThrows(NullPointerException.class, () -> GossipKey.parse(null));
  }

  @Test
  void theConfigurationIsChecked() {
    assertEquals("security.clusterName", assertThrows(ConfigException.class, () -> GossipSecurity.named("a b")).key());
    assertEquals("security.clusterName", assertThrows(ConfigException.class, () -> GossipSecurity.named("x".repeat(65))).key());
    assertEquals("security.keys", assertThrows(ConfigException.class,
        () -> new GossipSecurity("c", GossipEncryption.REQUIRE, List.of(), false)).key());
    assertEquals("security.keys", assertThrows(ConfigException.class,
        () -> new GossipSecurity("c", GossipEncryption.OFF, List.of(K1), false)).key());
    assertEquals("security.keys", assertThrows(ConfigException.class,
        () -> new GossipSecurity("c", GossipEncryption.ACCEPT, List.of(K1, K1), false)).key());
    GossipSecurity s = GossipSecurity.encrypted("prod.eu-1", K1, K2);
    assertEquals(List.of(K1, K2), s.keys());
    assertEquals(GossipEncryption.REQUIRE, s.encryption());
    assertEquals(GossipEncryption.ACCEPT, s.withEncryption(GossipEncryption.ACCEPT).encryption());
    assertFalse(s.toString().contains(K1.toBase64()), "a configuration's text shows no key");
  }

  @Test
  void theRolloutStepsEncryptAndRequireInOrder() {
    assertFalse(GossipEncryption.ACCEPT.encrypts());
    assertTrue(GossipEncryption.ENCRYPT.encrypts());
    assertFalse(GossipEncryption.ENCRYPT.requiresEncryption());
    assertTrue(GossipEncryption.REQUIRE.requiresEncryption());
    assertFalse(GossipEncryption.OFF.usesKeys());
  }
}
