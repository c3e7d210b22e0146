package dev.bourne.it.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bourne} command line: {@code agent} runs a node; {@code members}, {@code groups},
 * {@code status} and {@code kv} talk to a running node's HTTP API. Every command describes itself
 * with {@code --help}.
 */
@Command(name = "bourne", mixinStandardHelpOptions = true, version = "bourne 0.1.0",
    description = "Run and use a Bourne node: gossip membership (Convoy), Raft groups formed by gossip (Kayak), "
        + "and a replicated key/value service.",
    subcommands = {AgentCommand.class, MembersCommand.class, GroupsCommand.class, StatusCommand.class,
        KvCommand.class, KeyringCommand.class, CommandLine.HelpCommand.class})
public final class Bourne implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Exit code of a command whose request the node refused (the error's code is printed). */
  static final int EXIT_REFUSED = 1;
  /** Exit code when the node cannot be reached. */
  static final int EXIT_UNREACHABLE = 3;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs the command line; exits with the command's status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, for {@link #main}, tests and demos that run commands in their own JVM. */
  public static CommandLine commandLine() {
    return new CommandLine(new Bourne()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
