package io.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry cluster}: the cluster the running node is a member of. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Shows the cluster the running node is a member of (clustered mode).",
    subcommands = {ClusterCommand.Status.class})
public final class ClusterCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code cluster status}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Lists the members as the running node sees them: address, status, reachability,",
        "roles; marks the leader, the oldest member (it restarts a leaver's channels) and this one."
      })
  static final class Status extends ClientCommand {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    int run(ApiClient api) {
      JsonNode c = api.get("/v1/cluster");
      PrintWriter out = out();
      if (json) {
        out.println(c.toPrettyString());
        out.flush();
        return 0;
      }
      if (!c.path("clustered").asBoolean()) {
        out.println("not clustered: this node is a cluster of one");
      }
      String leader = c.path("leader").asText("");
      String oldest = c.path("oldest").asText("");
      out.printf(
          "%-32s %-8s %-11s %-6s %-9s %s%n",
          "MEMBER", "STATUS", "REACHABLE", "PEERS", "CHANNELS", "NOTES");
      for (JsonNode m : c.path("members")) {
        String address = m.path("address").asText();
        StringBuilder notes = new StringBuilder();
        if (address.equals(leader)) {
          notes.append("leader ");
        }
        if (address.equals(oldest)) {
          notes.append("oldest ");
        }
        if (m.path("self").asBoolean()) {
          notes.append("(this member) ");
        }
        m.path("roles")
            .forEach(r -> notes.append(r.asText().startsWith("dc-") ? "" : "role " + r.asText()));
        out.printf(
            "%-32s %-8s %-11s %-6d %-9d %s%n",
            address,
            m.path("status").asText(),
            m.path("reachable").asBoolean() ? "yes" : "NO",
            m.path("peers").size(),
            m.path("channels").size(),
            notes.toString().strip());
      }
      out.flush();
      return 0;
    }
  }
}
