package io.ferry.node.cli;

import io.ferry.ipld.store.BlockStoreException;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The option shared by the commands that work on the local block store directly ({@code import},
 * {@code export}, {@code car}): where the node's home is. The store is {@code <home>/blocks}.
 */
public final class LocalBlocks {
  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "The node's data directory (default: $FERRY_HOME, else ~/.ferry).")
  Path home;

  Path home() {
    if (home != null) {
      return home;
    }
    String env = System.getenv("FERRY_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".ferry");
  }

  /**
   * Runs a command body, turning a failure into one line on stderr ({@code ferry import: <what went
   * wrong>}) and exit code 1 instead of a stack trace.
   */
  static int run(CommandSpec spec, Callable<Integer> body) {
    try {
      return body.call();
    } catch (Exception e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      if (e instanceof FileAlreadyExistsException f) {
        message = f.getFile() + " already exists";
      } else if (e instanceof NoSuchFileException f) {
        message = "no such file: " + f.getFile();
      }
      PrintWriter err = spec.commandLine().getErr();
      err.println("ferry " + spec.qualifiedName(" ").replaceFirst("^ferry ", "") + ": " + message);
      err.flush();
      return 1;
    }
  }

  /** Opens {@code <home>/blocks}, explaining the usual reason when it is locked. */
  LevelDbBlockStore open() {
    Path dir = home().resolve("blocks");
    try {
      return LevelDbBlockStore.open(dir);
    } catch (BlockStoreException e) {
      if (String.valueOf(e.getMessage()).contains("lock")) {
        throw new BlockStoreException(
            "the block store at " + dir + " is in use by another process (is a node running?)", e);
      }
      throw e;
    }
  }
}
