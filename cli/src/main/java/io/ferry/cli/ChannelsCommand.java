package io.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry channels}: list, show and steer the running node's transfer channels. */
@Command(
    name = "channels",
    mixinStandardHelpOptions = true,
    description = "Lists, shows, pauses, resumes, cancels, restarts and purges transfer channels.",
    subcommands = {
      ChannelsCommand.Ls.class,
      ChannelsCommand.Show.class,
      ChannelsCommand.Pause.class,
      ChannelsCommand.Resume.class,
      ChannelsCommand.Cancel.class,
      ChannelsCommand.Restart.class,
      ChannelsCommand.Purge.class
    })
public final class ChannelsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code channels ls}. */
  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      description = "Lists channels, oldest first (terminal ones until retention purges them).")
  static final class Ls extends ClientCommand {
    @Option(names = "--status", paramLabel = "STATUS", description = "Only this status.")
    String status;

    @Option(names = "--peer", paramLabel = "PEERID", description = "Only channels with this peer.")
    String peer;

    @Option(names = "--active", description = "Only channels that are not ending.")
    boolean active;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** Channels asked for per request. */
    static final int PAGE = 5000;

    @Override
    int run(ApiClient api) {
      List<String> q = new ArrayList<>();
      if (status != null) {
        q.add("status=" + URLEncoder.encode(status, StandardCharsets.UTF_8));
      }
      if (peer != null) {
        q.add("peer=" + URLEncoder.encode(peer, StandardCharsets.UTF_8));
      }
      if (active) {
        q.add("active=true");
      }
      String path = "/v1/channels" + (q.isEmpty() ? "" : "?" + String.join("&", q));
      PrintWriter out = out();
      if (json) {
        com.fasterxml.jackson.databind.node.ArrayNode all = ApiClient.json().createArrayNode();
        api.forEachPage(path, PAGE, page -> page.forEach(all::add));
        out.println(all.toPrettyString());
      } else {
        out.printf(
            "%-20s %-4s %-9s %-20s %-12s %-59s %s%n",
            "STATUS", "DIR", "ROLE", "PEER", "MOVED", "ROOT", "CHANNEL");
        // Page by page: a node with 100,000 channels answered 120 MB at once.
        api.forEachPage(
            path,
            PAGE,
            page -> {
              for (JsonNode c : page) {
                out.printf(
                    "%-20s %-4s %-9s %-20s %-12s %-59s %s%n",
                    c.get("status").asText(),
                    c.get("direction").asText(),
                    c.get("role").asText(),
                    shortPeer(c.get("otherPeer").asText()),
                    ProgressBar.bytes(TransferCommand.moved(c)),
                    c.path("baseCid").asText(),
                    c.get("id").asText());
              }
              out.flush();
            });
      }
      out.flush();
      return 0;
    }
  }

  static String shortPeer(String peer) {
    return peer.length() <= 20
        ? peer
        : peer.substring(0, 8) + "…" + peer.substring(peer.length() - 8);
  }

  /** {@code channels show ID}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Shows one channel's state.")
  static final class Show extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The channel ID.")
    String id;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    int run(ApiClient api) {
      JsonNode channel = api.get("/v1/channels/" + id);
      Optional<JsonNode> payments = payments(api, id);
      if (json) {
        ObjectNode all = channel.deepCopy();
        all.set("payments", payments.orElse(NullNode.getInstance()));
        print(out(), all, true);
        return 0;
      }
      print(out(), channel, false);
      payments.ifPresent(p -> out().printf("%-21s %s%n", "payments:", paymentsLine(p)));
      out().flush();
      return 0;
    }

    /** What the node paid for the channel, when it paid for it. */
    private static Optional<JsonNode> payments(ApiClient api, String id) {
      if (id.startsWith("fetch-")) {
        return Optional.empty(); // a gateway fetch pays nothing
      }
      try {
        return Optional.of(api.get("/v1/channels/" + id + "/payments"));
      } catch (ApiException e) {
        if (e.status() == 404) {
          return Optional.empty();
        }
        throw e;
      }
    }
  }

  /**
   * {@code paid 3145728 in 3 vouchers (acknowledged 3145728, spent 3145728, reserved 0; Completed);
   * last: ...}.
   */
  static String paymentsLine(JsonNode p) {
    JsonNode last = p.path("lastOutcome");
    return "paid "
        + p.path("paid").asLong()
        + " in "
        + p.path("vouchers").asLong()
        + " voucher"
        + (p.path("vouchers").asLong() == 1 ? "" : "s")
        + " (acknowledged "
        + p.path("acknowledged").asLong()
        + ", spent "
        + p.path("spent").asLong()
        + ", reserved "
        + p.path("reserved").asLong()
        + "; "
        + p.path("state").asText()
        + ")"
        + (last.isObject() ? "; last: " + last.path("detail").asText() : "");
  }

  /** Prints a channel as JSON or as aligned {@code key: value} lines. */
  static void print(PrintWriter out, JsonNode c, boolean json) {
    if (json) {
      out.println(c.toPrettyString());
    } else {
      c.fields()
          .forEachRemaining(
              f -> {
                JsonNode v = f.getValue();
                if (v.isNull()) {
                  return; // not set (e.g. host, outside clustered mode): --json shows it as null
                }
                if (f.getKey().equals("vouchers") || f.getKey().equals("voucherResults")) {
                  JsonNode total =
                      c.path(f.getKey().equals("vouchers") ? "voucherCount" : "voucherResultCount");
                  printVouchers(out, f.getKey(), v, total.isNumber() ? total.asLong() : v.size());
                  return;
                }
                if (f.getKey().equals("voucherCount") || f.getKey().equals("voucherResultCount")) {
                  return; // printed with their lists
                }
                String text = v.isValueNode() ? v.asText() : v.toString();
                out.printf("%-21s %s%n", f.getKey() + ":", text);
              });
    }
    out.flush();
  }

  /** How many vouchers of a list {@code channels show} prints: the latest ones. */
  static final int VOUCHERS_SHOWN = 3;

  /**
   * A channel's vouchers or voucher results for people: how many there were ({@code total}), then
   * those the node keeps (the opening voucher and the latest; the latest result) as their type and
   * value (the JSON of their registered type, where reasons are readable), never the base64 CBOR
   * ({@code --json} has them). Each is numbered by its place among all of them.
   */
  static void printVouchers(PrintWriter out, String key, JsonNode list, long total) {
    out.printf("%-21s %d%n", key + ":", total);
    for (int i = Math.max(0, list.size() - VOUCHERS_SHOWN); i < list.size(); i++) {
      JsonNode v = list.get(i);
      JsonNode value = v.path("value");
      long number = i == list.size() - 1 ? total : i + 1;
      out.printf(
          "  %-19s %s %s%n",
          "#" + number,
          v.path("type").asText(),
          value.isMissingNode() || value.isNull() ? "(not decodable here)" : value.toString());
    }
  }

  /** Pause, resume, cancel and restart: POST, then show the channel. */
  abstract static class Action extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The channel ID.")
    String id;

    @Option(names = "--json", description = "Print the channel afterwards as JSON.")
    boolean json;

    abstract String action();

    @Override
    int run(ApiClient api) {
      JsonNode c = api.post("/v1/channels/" + id + "/" + action(), null);
      if (json) {
        print(out(), c, true);
      } else {
        out().println(id + ": " + c.get("status").asText());
        out().flush();
      }
      return 0;
    }
  }

  /** {@code channels pause}. */
  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Pauses this side of a channel.")
  static final class Pause extends Action {
    @Override
    String action() {
      return "pause";
    }
  }

  /** {@code channels resume}. */
  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Resumes this side of a channel; data continues where it stopped.")
  static final class Resume extends Action {
    @Override
    String action() {
      return "resume";
    }
  }

  /** {@code channels cancel}. */
  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancels a channel; both sides end in Cancelled.")
  static final class Cancel extends Action {
    @Override
    String action() {
      return "cancel";
    }
  }

  /** {@code channels restart}. */
  @Command(
      name = "restart",
      mixinStandardHelpOptions = true,
      description = {
        "Restarts a channel: this side sends the other a restart request and the transfer",
        "continues from what this side holds (after a disconnect, a node restart, or to kick a",
        "channel that seems stuck). Says what happened: restarted (the other side answered),",
        "nothing to restart (this side only waits for the other), already restarting (a restart",
        "is under way: nothing more is sent), pending (no answer yet), failed (exit 1). A",
        "channel that has ended cannot restart."
      })
  static final class Restart extends Action {
    @Option(
        names = "--wait",
        paramLabel = "SECONDS",
        defaultValue = "5",
        description =
            "How long to wait for the restart to be recorded (default: ${DEFAULT-VALUE}, max 60).")
    double waitSeconds;

    @Override
    String action() {
      return "restart";
    }

    /**
     * Prints what the restart did: restarted, nothing to restart, pending (exit 0), or failed and
     * ended (exit 1, with the reason).
     */
    @Override
    int run(ApiClient api) {
      JsonNode c = api.post("/v1/channels/" + id + "/restart?wait=" + waitSeconds, null);
      JsonNode restart = c.path("restart");
      String outcome = restart.path("outcome").asText();
      if (json) {
        print(out(), c, true);
      } else {
        out()
            .println(
                id
                    + ": "
                    + c.get("status").asText()
                    + "; "
                    + outcome.replace('-', ' ')
                    + ": "
                    + restart.path("detail").asText());
        out().flush();
      }
      return outcome.equals("failed") || outcome.equals("ended") ? FAILED : 0;
    }
  }

  /** {@code channels purge}. */
  @Command(
      name = "purge",
      mixinStandardHelpOptions = true,
      description = {
        "Purges terminal channels (Completed, Failed, Cancelled): their journal and index entry.",
        "Give channel IDs, or --all-terminal for every terminal channel."
      })
  static final class Purge extends ClientCommand {
    @Parameters(paramLabel = "ID", arity = "0..*", description = "Channel IDs.")
    List<String> ids = new ArrayList<>();

    @Option(names = "--all-terminal", description = "Purge every terminal channel.")
    boolean allTerminal;

    @Option(names = "--json", description = "Print the purged IDs as JSON.")
    boolean json;

    @Override
    int run(ApiClient api) {
      if (allTerminal == !ids.isEmpty()) {
        return fail(BAD_INPUT, "give channel IDs or --all-terminal");
      }
      // One request: the node purges several channels at a time, where a DELETE per channel
      // waited for each in turn.
      JsonNode report =
          api.post(
              "/v1/channels/purge",
              allTerminal ? Map.of("terminal", true) : Map.of("ids", List.copyOf(ids)));
      List<String> purged = new ArrayList<>();
      report.path("purged").forEach(id -> purged.add(id.asText()));
      if (json) {
        out().println(ApiClient.json().valueToTree(purged).toPrettyString());
      } else {
        purged.forEach(id -> out().println("purged " + id));
      }
      out().flush();
      JsonNode failed = report.path("failed");
      failed.forEach(f -> err().println(spec.qualifiedName() + ": " + f.path("detail").asText()));
      err().flush();
      return failed.isEmpty() ? 0 : FAILED;
    }
  }
}
