package io.ferry.cli;

import io.ferry.ipld.Cid;
import io.ferry.ipld.unixfs.UnixFsExporter;
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

/** {@code ferry export}: writes a UnixFS file or directory from the local block store. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Writes the UnixFS file or directory CID from the local block store to OUT (which must"
            + " not exist); OUT - writes a file to standard output.")
public final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin LocalBlocks blocks;

  @Parameters(index = "0", paramLabel = "CID", description = "The root to export.")
  String cid;

  @Parameters(
      index = "1",
      paramLabel = "OUT",
      description = "The file or directory to create, or - for standard output (files only).")
  Path out;

  @Option(names = "--json", description = "Print JSON: {root, path}.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    return execute();
  }

  private Integer execute() throws Exception {
    Cid root = Cid.parse(cid);
    if (StandardOutput.isDash(out)) {
      return CatCommand.write(blocks, spec, root, "");
    }
    LocalBlocks.viaNodeOrLocal(
        blocks,
        spec,
        api ->
            api.post(
                "/v1/export",
                Map.of(
                    "root", root.toString(), "path", LocalBlocks.absolute(out), "format", "file")),
        () -> {
          try (LevelDbBlockStore store = blocks.open()) {
            new UnixFsExporter(store).export(root, out);
          }
          return null;
        });
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      var body = ApiClient.json().createObjectNode();
      body.put("root", root.toString());
      body.put("path", LocalBlocks.absolute(out));
      w.println(body);
    } else {
      w.println("exported " + root + " to " + out);
    }
    w.flush();
    return 0;
  }
}
