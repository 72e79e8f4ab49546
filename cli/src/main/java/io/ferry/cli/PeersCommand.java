package io.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry peers}: the peers the running node knows. */
@Command(
    name = "peers",
    mixinStandardHelpOptions = true,
    description = "Lists the peers the running node knows, whether connected, and their channels.")
public final class PeersCommand extends ClientCommand {
  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  int run(ApiClient api) {
    JsonNode peers = api.get("/v1/peers");
    PrintWriter out = out();
    if (json) {
      out.println(peers.toPrettyString());
    } else {
      out.printf("%-54s %-9s %-8s %s%n", "PEER", "CONNECTED", "CHANNELS", "ADDRESSES");
      for (JsonNode p : peers) {
        StringBuilder addrs = new StringBuilder();
        p.path("addresses")
            .forEach(a -> addrs.append(addrs.length() == 0 ? "" : " ").append(a.asText()));
        out.printf(
            "%-54s %-9s %-8d %s%n",
            p.get("peerId").asText(),
            p.path("connected").asBoolean() ? "yes" : "no",
            p.path("channels").asInt(),
            addrs);
      }
    }
    out.flush();
    return 0;
  }
}
