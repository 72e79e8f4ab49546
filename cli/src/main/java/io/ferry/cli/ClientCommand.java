package io.ferry.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running node over its HTTP API. Exit codes as {@link ExitCodes}: 0
 * done, 1 the node refused or the operation failed (the reason is printed), 2 bad input, 3 no node
 * could be reached.
 */
abstract class ClientCommand implements Callable<Integer> {
  static final int FAILED = ExitCodes.FAILED;
  static final int BAD_INPUT = ExitCodes.BAD_INPUT;
  static final int UNREACHABLE = ExitCodes.NO_NODE;

  @Spec CommandSpec spec;

  @Mixin NodeOptions node;

  /** Runs the command against the node. */
  abstract int run(ApiClient api) throws Exception;

  /** Runs the command; failures reach {@link Failures}, which prints them in one style. */
  @Override
  public final Integer call() throws Exception {
    return run(node.client());
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints {@code ferry <command>: <reason>} to stderr and returns {@code code}. */
  int fail(int code, String reason) {
    err().println(spec.qualifiedName() + ": " + reason);
    err().flush();
    return code;
  }
}
