package io.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry pull}: receive a DAG from a peer through the running node. */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    description = {
      "Pulls the DAG under CID from a peer into the running node's block store, showing progress,",
      "and waits for the end. With --out, writes it to a file (or a CAR file with --car).",
      "Exit code: 0 completed, 1 failed or cancelled (the reason is printed), 2 bad input,",
      "3 no node running."
    })
public final class PullCommand extends TransferCommand {
  @Option(
      names = "--from",
      required = true,
      paramLabel = "MULTIADDR",
      description = "The peer to pull from: /ip4/HOST/tcp/PORT/p2p/PEERID.")
  String from;

  @Option(
      names = "--out",
      paramLabel = "PATH",
      description = "After completion, export the DAG to this file (path on this machine).")
  Path out;

  @Option(
      names = "--car",
      description = "With --out: write a CAR file instead of the file's bytes.")
  boolean car;

  @Override
  String verb() {
    return "pull";
  }

  @Override
  String peerField() {
    return "from";
  }

  @Override
  String peer() {
    return from;
  }

  @Override
  int afterCompletion(ApiClient api, JsonNode channel) {
    if (out == null) {
      return 0;
    }
    ObjectNode body = ApiClient.json().createObjectNode();
    body.put("root", root);
    body.put("path", absolute(out));
    body.put("format", car ? "car" : "file");
    if (selector != null) {
      body.set("selector", parseJson(selector, "--selector"));
    }
    JsonNode written = api.post("/v1/export", body);
    if (!json) {
      out()
          .println(
              "wrote "
                  + ProgressBar.bytes(written.path("bytes").asLong())
                  + " to "
                  + out); // as the user wrote it: the node was given the absolute path
      out().flush();
    }
    return 0;
  }
}
