package io.ferry.cli;

import io.ferry.ipld.store.BlockStoreException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Every command's failures in one style: {@code ferry <command>: <what was wrong, and what to do>}
 * on standard error, the exit code of {@link ExitCodes}, and the stack trace only in the log at
 * DEBUG ({@code FERRY_LOG_LEVEL=DEBUG}). No library's internal text reaches the user: exceptions
 * this class does not know become "failed unexpectedly" with the exception's kind.
 */
final class Failures implements IExecutionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger("io.ferry.cli");

  /** What the user is told, and the exit code. */
  record Described(int exitCode, String message) {}

  @Override
  public int handleExecutionException(
      Exception exception, CommandLine commandLine, ParseResult parseResult) {
    Throwable t = unwrap(exception);
    Described d = describe(t);
    log.debug("{} failed", commandLine.getCommandSpec().qualifiedName(), t);
    commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + d.message());
    commandLine.getErr().flush();
    return d.exitCode();
  }

  /** The user's view of {@code t}. */
  static Described describe(Throwable t) {
    if (t instanceof CliError e) {
      return new Described(e.exitCode(), e.getMessage());
    }
    if (t instanceof ApiException e) {
      int code =
          e.status() == 0
              ? ExitCodes.NO_NODE
              : e.status() == 400 ? ExitCodes.BAD_INPUT : ExitCodes.FAILED;
      return new Described(code, e.getMessage());
    }
    if (t instanceof NoSuchFileException e) {
      return new Described(ExitCodes.BAD_INPUT, "no such file: " + e.getFile());
    }
    if (t instanceof FileAlreadyExistsException e) {
      return new Described(
          ExitCodes.BAD_INPUT, e.getFile() + " already exists (choose a new path or remove it)");
    }
    if (t instanceof AccessDeniedException e) {
      return new Described(ExitCodes.FAILED, "permission denied: " + e.getFile());
    }
    if (t instanceof BlockStoreException && LockedStore.isLocked(t)) {
      return new Described(ExitCodes.FAILED, LockedStore.message(t));
    }
    if (t instanceof IllegalArgumentException && t.getMessage() != null) {
      return new Described(ExitCodes.BAD_INPUT, t.getMessage());
    }
    return new Described(
        ExitCodes.FAILED,
        "failed unexpectedly ("
            + t.getClass().getSimpleName()
            + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage()))
            + "); run with FERRY_LOG_LEVEL=DEBUG for the details");
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The cause behind the wrappers that futures add. */
  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
