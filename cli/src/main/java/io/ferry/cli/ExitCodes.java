package io.ferry.cli;

/**
 * The exit codes of every {@code ferry} command, as docs/operations.md lists them. A script can
 * tell "try again later" (3) from "fix the command" (2) from "it did not work" (1).
 */
final class ExitCodes {
  /** Done. */
  static final int OK = 0;

  /** The operation failed: the node refused it, a channel failed or was cancelled. */
  static final int FAILED = 1;

  /** Bad input: an unknown option, a malformed value, a file or home that does not exist. */
  static final int BAD_INPUT = 2;

  /** No node is running with that home, or its API does not answer. */
  static final int NO_NODE = 3;

  private ExitCodes() {}
}
