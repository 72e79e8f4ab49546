package io.ferry.cli;

/**
 * A command failed for a reason the user can act on: the message says what was wrong, in the user's
 * terms, and what to do; the exit code says which kind of failure it was (see {@link ExitCodes}).
 */
final class CliError extends RuntimeException {
  private final int exitCode;

  CliError(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliError(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  static CliError badInput(String message) {
    return new CliError(ExitCodes.BAD_INPUT, message);
  }

  static CliError failed(String message) {
    return new CliError(ExitCodes.FAILED, message);
  }

  static CliError noNode(String message) {
    return new CliError(ExitCodes.NO_NODE, message);
  }

  int exitCode() {
    return exitCode;
  }
}
