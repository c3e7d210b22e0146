package dev.bourne.it.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BourneCommandLineTest {
  /** Runs a command; returns its exit code, standard output and standard error. */
  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Bourne.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void everyCommandDescribesItself() {
    for (String[] cmd : new String[][] {{"--help"}, {"agent", "--help"}, {"members", "--help"}, {"groups", "--help"},
        {"status", "--help"}, {"kv", "--help"}, {"kv", "get", "--help"}, {"kv", "put", "--help"},
        {"kv", "cas", "--help"}, {"kv", "delete", "--help"}, {"kv", "list", "--help"}, {"keyring", "--help"},
        {"keyring", "list", "--help"}, {"keyring", "install", "--help"}, {"keyring", "use", "--help"},
        {"keyring", "remove", "--help"}, {"keyring", "rotate", "--help"}, {"keyring", "generate", "--help"}}) {
      Run r = run(cmd);
      assertEquals(0, r.code(), String.join(" ", cmd));
      assertTrue(r.out().startsWith("Usage: bourne"), r.out());
    }
  }

  @Test
  void aBadSettingStopsTheAgentWithItsName() {
    Run r = run("agent", "--data-dir", "/tmp/never", "--expect", "0");
    assertEquals(CommandLine.ExitCode.USAGE, r.code());
    assertTrue(r.err().contains("expect"), r.err());
    Run unknown = run("agent", "--data-dir", "/tmp/never", "--colour", "blue");
    assertEquals(CommandLine.ExitCode.USAGE, unknown.code());
    assertTrue(unknown.err().contains("--colour"), unknown.err());
    Run join = run("agent", "--data-dir", "/tmp/never", "--join", "no-port");
    assertEquals(CommandLine.ExitCode.USAGE, join.code());
    assertTrue(join.err().contains("join"), join.err());
  }

  @Test
  void anUnreachableNodeIsSaidSo() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run r = run("kv", "get", "k", "--addr", "127.0.0.1:" + port, "--timeout", "2");
    assertEquals(Bourne.EXIT_UNREACHABLE, r.code());
    assertTrue(r.err().startsWith("error UNREACHABLE"), r.err());
    Run missing = run("kv", "cas", "k", "v");
    assertEquals(CommandLine.ExitCode.USAGE, missing.code(), "cas needs --version");
    Run half = run("kv", "put", "k", "v", "--client", "c");
    assertEquals(CommandLine.ExitCode.USAGE, half.code(), "--client needs --seq");
  }
}
