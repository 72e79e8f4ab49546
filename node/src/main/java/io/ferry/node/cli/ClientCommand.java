package io.ferry.node.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running node over its HTTP API. Exit codes: 0 done, 1 the node refused
 * or the operation failed (the reason is printed), 2 bad input, 3 no node could be reached.
 */
abstract class ClientCommand implements Callable<Integer> {
  static final int FAILED = 1;
  static final int BAD_INPUT = 2;
  static final int UNREACHABLE = 3;

  @Spec CommandSpec spec;

  @Mixin NodeOptions node;

  /** Runs the command against the node. */
  abstract int run(ApiClient api) throws Exception;

  @Override
  public final Integer call() throws Exception {
    ApiClient api;
    try {
      api = node.client();
    } catch (ApiException e) {
      return fail(UNREACHABLE, e.getMessage());
    } catch (IllegalArgumentException e) {
      return fail(BAD_INPUT, e.getMessage());
    }
    try {
      return run(api);
    } catch (ApiException e) {
      int code = e.status() == 0 ? UNREACHABLE : e.status() == 400 ? BAD_INPUT : FAILED;
      return fail(code, e.getMessage());
    } catch (IllegalArgumentException e) {
      return fail(BAD_INPUT, e.getMessage());
    }
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
