package io.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.ipld.Cid;
import io.ferry.ipld.car.CarReader;
import io.ferry.ipld.car.CarWriter;
import io.ferry.ipld.selector.Selectors;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.server.http.NotACar;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry car}: moves blocks between CAR files and the local block store. */
@Command(
    name = "car",
    mixinStandardHelpOptions = true,
    description = "Imports CAR files into, and exports DAGs from, the local block store.",
    subcommands = {CarCommand.Import.class, CarCommand.Export.class})
public final class CarCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code ferry car import FILE.car}: verifies and stores every block; prints the roots. */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description =
          "Verifies every block of a CARv1 or CARv2 file and stores it; prints the CAR's roots,"
              + " one per line.")
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin LocalBlocks blocks;

    @Parameters(paramLabel = "FILE.car")
    Path file;

    @Option(names = "--json", description = "Print JSON: {file, blocks, roots}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      return execute();
    }

    private int printImport(PrintWriter out, long blocks, String what, List<String> roots) {
      if (json) {
        var body = ApiClient.json().createObjectNode();
        body.put("file", LocalBlocks.absolute(file));
        body.put("blocks", blocks);
        roots.forEach(body.putArray("roots")::add);
        out.println(body);
      } else {
        out.println("imported " + file + ": " + blocks + " " + what);
        roots.forEach(out::println);
      }
      out.flush();
      return 0;
    }

    private Integer execute() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      return LocalBlocks.viaNodeOrLocal(
          blocks,
          spec,
          api -> {
            JsonNode r =
                api.post(
                    "/v1/blocks/import",
                    Map.of("path", LocalBlocks.absolute(file), "format", "car"));
            return printImport(
                out, r.path("blocks").asLong(), "blocks", List.of(r.path("root").asText()));
          },
          () -> {
            List<Cid> roots;
            long before;
            long after;
            try (LevelDbBlockStore store = blocks.open();
                InputStream in = Files.newInputStream(file)) {
              before = store.count();
              try {
                roots = CarReader.importInto(store, in);
              } catch (IOException | IllegalArgumentException e) {
                if (NotACar.describe(file, e).isPresent()) {
                  throw CliError.badInput(NotACar.describe(file, e).get());
                }
                throw e;
              }
              after = store.count();
            }
            return printImport(
                out, after - before, "new blocks", roots.stream().map(Cid::toString).toList());
          });
    }
  }

  /** {@code ferry car export CID FILE.car}: the whole DAG under CID as a CARv1. */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description =
          "Writes the whole DAG under CID (graphsync's \"all\" selector, each block once) to a"
              + " new CARv1 file, or to standard output when FILE.car is -.")
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin LocalBlocks blocks;

    @Parameters(index = "0", paramLabel = "CID")
    String cid;

    @Parameters(index = "1", paramLabel = "FILE.car")
    Path file;

    @Option(names = "--json", description = "Print JSON: {root, file, blocks}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      return execute();
    }

    private Integer execute() throws Exception {
      Cid root = Cid.parse(cid);
      if (StandardOutput.isDash(file)) {
        return toStandardOutput(root);
      }
      long written =
          LocalBlocks.viaNodeOrLocal(
              blocks,
              spec,
              api ->
                  api.post(
                          "/v1/export",
                          Map.of(
                              "root", root.toString(),
                              "path", LocalBlocks.absolute(file),
                              "format", "car"))
                      .path("blocks")
                      .asLong(),
              () -> {
                try (LevelDbBlockStore store = blocks.open()) {
                  OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW);
                  try (out) {
                    return CarWriter.writeDag(store, root, Selectors.all(), out);
                  } catch (RuntimeException | IOException e) {
                    Files.deleteIfExists(file);
                    throw e;
                  }
                }
              });
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        var body = ApiClient.json().createObjectNode();
        body.put("root", root.toString());
        body.put("file", LocalBlocks.absolute(file));
        body.put("blocks", written);
        out.println(body);
      } else {
        out.println("wrote " + written + " blocks of " + root + " to " + file);
      }
      out.flush();
      return 0;
    }

    private Integer toStandardOutput(Cid root) throws Exception {
      LocalBlocks.viaNodeOrLocal(
          blocks,
          spec,
          api -> {
            try {
              return StandardOutput.viaNode(api, root.toString(), "car");
            } catch (IOException e) {
              throw CliError.failed(e.getMessage());
            }
          },
          () -> {
            try (LevelDbBlockStore store = blocks.open()) {
              OutputStream stdout = StandardOutput.stream();
              // A missing block ends the CAR early; the failure names it.
              long n = CarWriter.writeDag(store, root, Selectors.all(), stdout);
              stdout.flush();
              return n;
            }
          });
      return 0;
    }
  }
}
