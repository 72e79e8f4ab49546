package io.ferry.cli;

import io.ferry.ipld.store.BlockStoreException;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.server.LevelDbNative;
import io.ferry.server.config.FerryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The option shared by the commands that work on the local block store ({@code import}, {@code
 * export}, {@code car}): where the node's home is. The store is {@code <home>/blocks}; while a node
 * runs on that home, the commands go through its HTTP API instead (see {@link #runningNode()}).
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
   * A client of the node running on this home, if one is: then the block store belongs to that node
   * (LevelDB allows one process), and {@code import}, {@code export} and {@code car} go through its
   * API instead. Empty when no node has written {@code <home>/api.addr}.
   */
  Optional<ApiClient> runningNode() {
    FerryConfig config =
        FerryConfig.load(
            new FerryConfig.Flags(
                Optional.empty(), Optional.of(home()), Optional.empty(), Optional.empty()));
    if (!Files.exists(config.api().addressFile())) {
      return Optional.empty();
    }
    return Optional.of(ApiClient.forNode(config, false));
  }

  /**
   * Runs {@code viaApi} against the running node when there is one, else {@code local}. A node that
   * left its address file behind but no longer answers (it crashed) is skipped, with a note.
   */
  static <T> T viaNodeOrLocal(
      LocalBlocks blocks,
      CommandSpec spec,
      java.util.function.Function<ApiClient, T> viaApi,
      Callable<T> local)
      throws Exception {
    Optional<ApiClient> node = blocks.runningNode();
    if (node.isPresent()) {
      try {
        return viaApi.apply(node.get());
      } catch (ApiException e) {
        if (e.status() != 0) {
          throw e;
        }
        spec.commandLine()
            .getErr()
            .println("note: " + e.getMessage() + "; using the block store directly");
      }
    }
    return local.call();
  }

  /** An absolute, normalised path: the node may run in another working directory. */
  static String absolute(Path p) {
    return p.toAbsolutePath().normalize().toString();
  }

  /**
   * Opens {@code <home>/blocks} of an existing node home (never creating a home), explaining the
   * usual reason when it is locked.
   */
  LevelDbBlockStore open() {
    Path dir = NodeHome.existing(home()).resolve("blocks");
    LevelDbNative.useHome(home());
    try {
      return LevelDbBlockStore.open(dir);
    } catch (BlockStoreException e) {
      if (LockedStore.isLocked(e)) {
        throw CliError.failed(LockedStore.message(home()));
      }
      throw e;
    }
  }
}
