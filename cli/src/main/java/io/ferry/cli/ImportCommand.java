package io.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.ipld.unixfs.BlockSink;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
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
          "unixfs-v1-2025 (default: CIDv1, raw leaves, 1 MiB chunks, 1024 links, directories"
              + " over 256 KiB sharded), ipfs-car (the same, but directories of more than 1,000"
              + " entries sharded, as ipfs-car pack does) or unixfs-v0-2015 (kubo classic: CIDv0,"
              + " 256 KiB chunks, 174 links).")
  String profile;

  @Option(names = "--hidden", description = "Also import hidden files and directories.")
  boolean hidden;

  @Option(names = "--json", description = "Print JSON: {root, bytes, blocks, profile, stored}.")
  boolean json;

  @Parameters(paramLabel = "PATH", description = "The file or directory to import.")
  Path path;

  @Override
  public Integer call() throws Exception {
    return execute();
  }

  private Integer execute() throws Exception {
    UnixFsProfile p = UnixFsProfile.forName(profile);
    PrintWriter out = spec.commandLine().getOut();
    if (onlyHash) {
      ImportResult result = importer(p, BlockSink.discard()).importPath(path);
      return print(out, "hashed", result.contentBytes(), result.blocks(), p, result.root());
    }
    return LocalBlocks.viaNodeOrLocal(
        blocks,
        spec,
        api -> {
          JsonNode r =
              api.post(
                  "/v1/blocks/import",
                  Map.of(
                      "path",
                      LocalBlocks.absolute(path),
                      "format",
                      "file",
                      "profile",
                      p.name(),
                      "hidden",
                      hidden));
          return print(
              out,
              "imported",
              r.path("bytes").asLong(),
              r.path("blocks").asLong(),
              p,
              r.path("root").asText());
        },
        () -> {
          try (LevelDbBlockStore store = blocks.open()) {
            ImportResult result = importer(p, BlockSink.batching(store, 8L << 20)).importPath(path);
            return print(out, "imported", result.contentBytes(), result.blocks(), p, result.root());
          }
        });
  }

  private int print(
      PrintWriter out, String verb, long bytes, long blocks, UnixFsProfile p, Object root) {
    if (json) {
      var body = ApiClient.json().createObjectNode();
      body.put("root", root.toString());
      body.put("bytes", bytes);
      body.put("blocks", blocks);
      body.put("profile", p.name());
      body.put("stored", !verb.equals("hashed"));
      out.println(body);
      out.flush();
      return 0;
    }
    out.printf(
        "%s %d bytes in %d blocks (%s)%s%n",
        verb, bytes, blocks, p.name(), verb.equals("hashed") ? ", nothing stored" : "");
    out.println(root);
    out.flush();
    return 0;
  }

  private UnixFsImporter importer(UnixFsProfile p, BlockSink sink) {
    UnixFsImporter importer = new UnixFsImporter(p, sink);
    return hidden ? importer.includingHidden() : importer;
  }
}
