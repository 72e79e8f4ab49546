package io.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.ipld.Cid;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.server.fetch.GatewayFetch;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferry fetch URL CID}: retrieves a DAG from an IPFS trustless gateway into the block store,
 * verifying every block; run again after an interruption, it asks only for what is missing.
 */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    description =
        "Retrieves the DAG under CID from the IPFS trustless gateway at URL (CAR streams, raw"
            + " blocks as a fallback), checking every block against its CID and the traversal"
            + " before storing it. Run again after an interruption, it fetches only what is"
            + " missing. Goes through the running node when there is one.")
public final class FetchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin LocalBlocks blocks;

  @Parameters(index = "0", paramLabel = "URL", description = "The gateway, e.g. http://host:8080")
  URI url;

  @Parameters(index = "1", paramLabel = "CID", description = "The root to fetch.")
  String cid;

  @Option(
      names = "--selector",
      paramLabel = "SCOPE",
      defaultValue = "all",
      description = "What to fetch: all (the whole DAG, default) or block (the root block).")
  String selector;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "How long one request may wait for the gateway.")
  long timeoutSeconds;

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
    Cid root = Cid.parse(cid);
    GatewayFetch.Scope scope = GatewayFetch.Scope.parse(selector);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    GatewayFetch.Progress done =
        LocalBlocks.viaNodeOrLocal(
            blocks,
            spec,
            api -> {
              JsonNode r =
                  api.post(
                      "/v1/fetch",
                      Map.of("url", url.toString(), "root", root.toString(), "selector", selector));
              return new GatewayFetch.Progress(
                  r.path("blocksHeld").asLong(),
                  r.path("blocksFetched").asLong(),
                  r.path("bytesFetched").asLong(),
                  r.path("carRequests").asInt(),
                  r.path("rawRequests").asInt());
            },
            () -> {
              try (LevelDbBlockStore store = blocks.open()) {
                return new GatewayFetch(store, url, Duration.ofSeconds(timeoutSeconds))
                    .fetch(
                        root,
                        scope,
                        p -> {
                          err.println(
                              "fetched "
                                  + p.blocksFetched()
                                  + " blocks, "
                                  + p.bytesFetched()
                                  + " bytes ("
                                  + p.carRequests()
                                  + " CAR, "
                                  + p.rawRequests()
                                  + " raw requests)");
                          err.flush();
                        });
              }
            });
    out.println(
        "fetched "
            + root
            + " from "
            + url
            + ": "
            + done.blocksFetched()
            + " new blocks, "
            + done.bytesFetched()
            + " bytes, "
            + done.blocksHeld()
            + " blocks in the DAG ("
            + done.carRequests()
            + " CAR and "
            + done.rawRequests()
            + " raw requests)");
    out.println(root);
    out.flush();
    return 0;
  }
}
