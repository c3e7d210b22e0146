package dev.bourne.it.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.config.ConfigException;
import dev.bourne.common.net.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigLoaderTest {
  @TempDir
  Path dir;

  private static ConfigException bad(Map<String, String> flags, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> NodeConfigLoader.load(Optional.empty(), flags));
    assertEquals(key, e.key(), e.getMessage());
    return e;
  }

  @Test
  void flagsOverrideTheFileAndDefaultsFillTheRest() throws Exception {
    Path file = dir.resolve("node.json");
    Files.writeString(file, "{\"data-dir\": \"/tmp/a\", \"expect\": 5, \"join\": [\"127.0.0.1:7001\", \"127.0.0.1:7002\"],"
        + " \"dead-after\": \"2m\", \"http\": \"127.0.0.1:9000\"}");
    NodeConfig c = NodeConfigLoader.load(Optional.of(file), Map.of("expect", "3", "bind", "127.0.0.1:7005"));
    assertEquals(3, c.expect());
    assertEquals(new HostPort("127.0.0.1", 7005), c.bind());
    assertEquals(List.of(new HostPort("127.0.0.1", 7001), new HostPort("127.0.0.1", 7002)), c.join());
    assertEquals(Duration.ofMinutes(2), c.deadAfter());
    assertEquals(Path.of("/tmp/a"), c.dataDir());
    assertEquals(2, c.dataGroups());
    assertEquals("lan", c.gossip());
  }

  @Test
  void badValuesNameTheirKey() throws Exception {
    bad(Map.of("expect", "3"), "data-dir");
    bad(Map.of("data-dir", "d", "expect", "0"), "expect");
    bad(Map.of("data-dir", "d", "expect", "three"), "expect");
    bad(Map.of("data-dir", "d", "bind", "localhost"), "bind");
    bad(Map.of("data-dir", "d", "join", "127.0.0.1:7001,nope:"), "join");
    bad(Map.of("data-dir", "d", "gossip", "fast"), "gossip");
    bad(Map.of("data-dir", "d", "dead-after", "soon"), "dead-after");
    bad(Map.of("data-dir", "d", "data-groups", "65"), "data-groups");
    bad(Map.of("data-dir", "d", "bind", "0.0.0.0:7000"), "advertise");
    bad(Map.of("data-dir", "d", "bind", "127.0.0.1:7000", "http", "127.0.0.1:7000"), "http");
    ConfigException unknown = bad(Map.of("data-dir", "d", "colour", "blue"), "colour");
    assertTrue(unknown.getMessage().contains("known keys"), unknown.getMessage());
  }

  @Test
  void aBadFileIsNamedWithWhatIsWrong() throws Exception {
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"data-dir\": ");
    ConfigException e = assertThrows(ConfigException.class, () -> NodeConfigLoader.load(Optional.of(broken), Map.of()));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    Path unknown = dir.resolve("unknown.json");
    Files.writeString(unknown, "{\"data-dir\": \"d\", \"expext\": 3}");
    e = assertThrows(ConfigException.class, () -> NodeConfigLoader.load(Optional.of(unknown), Map.of()));
    assertEquals("expext", e.key());
    Path nested = dir.resolve("nested.json");
    Files.writeString(nested, "{\"data-dir\": {\"a\": 1}}");
    e = assertThrows(ConfigException.class, () -> NodeConfigLoader.load(Optional.of(nested), Map.of()));
    assertEquals("data-dir", e.key());
    e = assertThrows(ConfigException.class, () -> NodeConfigLoader.load(Optional.of(dir.resolve("none.json")), Map.of()));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }
}
