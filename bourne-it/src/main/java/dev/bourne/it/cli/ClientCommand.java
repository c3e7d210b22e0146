package dev.bourne.it.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/** A command that sends requests to a node: the shared options, printing, and exit codes. */
abstract class ClientCommand implements Callable<Integer> {
  @Mixin
  ClientOptions options;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  @Override
  public final Integer call() {
    try {
      ApiClient.Answer a = request(options.client());
      if (!a.ok()) {
        if (options.json) {
          out().println(a.body());
          out().flush();
          return Bourne.EXIT_REFUSED;
        }
        return Output.error(err(), a);
      }
      if (options.json) {
        out().println(a.body());
      } else {
        print(a);
      }
      out().flush();
      return 0;
    } catch (ApiClient.Unreachable e) {
      err().println("error UNREACHABLE: " + e.getMessage());
      err().flush();
      return Bourne.EXIT_UNREACHABLE;
    }
  }

  /** Sends this command's request. */
  abstract ApiClient.Answer request(ApiClient client) throws ApiClient.Unreachable;

  /** Prints a successful answer for people. */
  abstract void print(ApiClient.Answer answer);
}
