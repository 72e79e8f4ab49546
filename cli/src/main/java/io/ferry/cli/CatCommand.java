package io.ferry.cli;

import io.ferry.ipld.Cid;
import io.ferry.ipld.unixfs.UnixFsExporter;
import io.ferry.ipld.unixfs.UnixFsPaths;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry cat CID[/path]}: a UnixFS file's bytes from the local block store, to stdout. */
@Command(
    name = "cat",
    mixinStandardHelpOptions = true,
    description =
        "Writes the UnixFS file CID, or the file at CID/path/to/file (through plain and"
            + " HAMT-sharded directories), from the local block store to standard output.")
public final class CatCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin LocalBlocks blocks;

  @Parameters(index = "0", paramLabel = "CID[/PATH]", description = "The file to write.")
  String target;

  @Override
  public Integer call() throws Exception {
    try {
      return execute();
    } catch (IOException | java.io.UncheckedIOException e) {
      // A missing entry, a directory where a file was asked for, a gateway that did not deliver:
      // each message already says what went wrong, in the user's terms.
      throw CliError.failed(e.getMessage());
    }
  }

  private Integer execute() throws Exception {
    String[] rootAndPath = target.replaceFirst("^/?ipfs/", "").split("/", 2);
    return write(
        blocks, spec, Cid.parse(rootAndPath[0]), rootAndPath.length == 1 ? "" : rootAndPath[1]);
  }

  /**
   * Writes the file at {@code path} below {@code root} to standard output, through the running node
   * when there is one ({@code ferry export CID -} too).
   */
  static int write(LocalBlocks blocks, CommandSpec spec, Cid root, String path) throws Exception {
    String normalized = path.isEmpty() ? root.toString() : root + "/" + path;
    LocalBlocks.viaNodeOrLocal(
        blocks,
        spec,
        api -> {
          try {
            return StandardOutput.viaNode(api, normalized, "file");
          } catch (IOException e) {
            throw CliError.failed(e.getMessage());
          }
        },
        () -> {
          try (LevelDbBlockStore store = blocks.open()) {
            return writeFile(store, root, path);
          }
        });
    return 0;
  }

  /** Resolves {@code path} below {@code root} in {@code store} and writes the file it names. */
  private static long writeFile(LevelDbBlockStore store, Cid root, String path) throws IOException {
    UnixFsPaths paths = new UnixFsPaths(store);
    Cid file = paths.resolve(root, path).cid();
    if (paths.isDirectory(file)) {
      throw new IOException(
          file + " is a directory (list it with ferry export, or ferry car export CID -)");
    }
    OutputStream out = StandardOutput.stream();
    long n = new UnixFsExporter(store).exportFile(file, out);
    out.flush();
    return n;
  }
}
