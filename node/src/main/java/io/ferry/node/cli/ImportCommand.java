package io.ferry.node.cli;

import io.ferry.ipld.unixfs.BlockSink;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferry import}: adds a file or directory tree to the local block store as UnixFS and prints
 * its root CID as the last line of output.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Imports a file or directory tree into the local block store (<home>/blocks) as UnixFS.",
      "Prints the root CID as the last line. Hidden entries of a tree are skipped."
    })
public final class ImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin LocalBlocks blocks;

  @Option(names = "--only-hash", description = "Compute the root CID without storing anything.")
  boolean onlyHash;

  @Option(
      names = "--profile",
      paramLabel = "PROFILE",
      defaultValue = "unixfs-v1-2025",
      description =
          "unixfs-v1-2025 (default: CIDv1, raw leaves, 1 MiB chunks, 1024 links) or"
              + " unixfs-v0-2015 (kubo classic: CIDv0, 256 KiB chunks, 174 links).")
  String profile;

  @Option(names = "--hidden", description = "Also import hidden files and directories.")
  boolean hidden;

  @Parameters(paramLabel = "PATH", description = "The file or directory to import.")
  Path path;

  @Override
  public Integer call() {
    return LocalBlocks.run(spec, this::execute);
  }

  private Integer execute() throws Exception {
    UnixFsProfile p = UnixFsProfile.forName(profile);
    PrintWriter out = spec.commandLine().getOut();
    ImportResult result;
    if (onlyHash) {
      result = importer(p, BlockSink.discard()).importPath(path);
    } else {
      try (LevelDbBlockStore store = blocks.open()) {
        result = importer(p, BlockSink.batching(store, 8L << 20)).importPath(path);
      }
    }
    out.printf(
        "%s %d bytes in %d blocks (%s)%s%n",
        onlyHash ? "hashed" : "imported",
        result.contentBytes(),
        result.blocks(),
        p.name(),
        onlyHash ? ", nothing stored" : "");
    out.println(result.root());
    out.flush();
    return 0;
  }

  private UnixFsImporter importer(UnixFsProfile p, BlockSink sink) {
    UnixFsImporter importer = new UnixFsImporter(p, sink);
    return hidden ? importer.includingHidden() : importer;
  }
}
