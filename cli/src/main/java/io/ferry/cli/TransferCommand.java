package io.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code pull} and {@code push} share: open the channel through the node's API, then follow it
 * to its end with a progress display, and exit 0 only when it completed.
 */
abstract class TransferCommand extends ClientCommand {
  private static final Set<String> TERMINAL = Set.of("Completed", "Failed", "Cancelled");

  @Parameters(index = "0", paramLabel = "CID", description = "Root CID of the DAG to move.")
  String root;

  @Option(
      names = "--selector",
      paramLabel = "JSON",
      description = "A DAG-JSON selector (default: the whole DAG).")
  String selector;

  @Option(
      names = "--voucher-type",
      paramLabel = "T",
      description =
          "Type identifier of the voucher, e.g. ferry/paid-retrieval/proposal/1 (paid"
              + " retrieval; an unknown type is refused with the list the node knows).")
  String voucherType;

  @Option(
      names = "--voucher",
      paramLabel = "JSON",
      description = "The voucher, as JSON of its type (needs --voucher-type).")
  String voucher;

  @Option(names = "--detach", description = "Print the channel ID and return without waiting.")
  boolean detach;

  @Option(names = "--json", description = "Print the final channel state as JSON.")
  boolean json;

  /** {@code pull} or {@code push}. */
  abstract String verb();

  /** The request body's peer member: {@code from} or {@code to}. */
  abstract String peerField();

  /** The peer's multiaddr. */
  abstract String peer();

  /** Something to do after the channel completed (export, for a pull); returns an exit code. */
  int afterCompletion(ApiClient api, JsonNode channel) throws IOException {
    return 0;
  }

  @Override
  int run(ApiClient api) throws Exception {
    ObjectNode body = ApiClient.json().createObjectNode();
    body.put(peerField(), peer());
    body.put("root", root);
    if (selector != null) {
      body.set("selector", parseJson(selector, "--selector"));
    }
    if (voucher != null || voucherType != null) {
      if (voucher == null || voucherType == null) {
        return fail(BAD_INPUT, "--voucher and --voucher-type go together");
      }
      ObjectNode v = body.putObject("voucher");
      v.put("type", voucherType);
      v.set("value", parseJson(voucher, "--voucher"));
    }
    JsonNode channel = api.post("/v1/channels/" + verb(), body);
    String id = channel.get("id").asText();
    if (detach) {
      out().println(json ? channel.toPrettyString() : id);
      out().flush();
      return 0;
    }
    String shortId = shortId(channel);
    if (!json) {
      err().println(verb() + " " + root + ": channel " + id + " (" + shortId + " below)");
    }
    channel = follow(api, id, shortId);
    String status = channel.get("status").asText();
    if (json) {
      out().println(channel.toPrettyString());
      out().flush();
    }
    if (!status.equals("Completed")) {
      String message = channel.path("message").asText();
      return fail(
          FAILED,
          "channel " + id + " " + status.toLowerCase() + (message.isEmpty() ? "" : ": " + message));
    }
    if (!json) {
      out()
          .println(
              verb()
                  + " complete: "
                  + ProgressBar.bytes(moved(channel))
                  + " in "
                  + blocks(channel)
                  + " blocks, channel "
                  + id);
      out().flush();
    }
    return afterCompletion(api, channel);
  }

  /**
   * Follows the channel to its end through the node's event stream ({@code GET
   * /v1/events?channel=ID}): the channel is read once at the start and again at each of its events,
   * so the display changes when the channel does, with no polling. A dropped stream is resumed
   * after its last event ({@code Last-Event-ID}), the channel read again in case it ended
   * meanwhile.
   */
  private JsonNode follow(ApiClient api, String id, String shortId) throws Exception {
    Progress progress =
        new Progress(
            new ProgressBar(
                err(), ProgressBar.onTerminal(), Clock.systemUTC(), verb() + " " + shortId),
            Clock.systemUTC());
    JsonNode channel = progress.show(api.get("/v1/channels/" + id));
    Optional<String> last = Optional.empty();
    long backoffMs = 500;
    while (!isTerminal(channel)) {
      try (SseReader events = api.events(Map.of("channel", id, "follow", "true"), last)) {
        Optional<SseReader.Event> e;
        while (!isTerminal(channel) && (e = events.next()).isPresent()) {
          if (e.get().id() != null) {
            last = Optional.of(e.get().id());
          }
          channel = progress.show(api.get("/v1/channels/" + id));
          backoffMs = 500;
        }
      } catch (IOException | ApiException e) {
        if (e instanceof ApiException a && a.status() != 0) {
          throw e;
        }
      }
      if (!isTerminal(channel)) {
        channel = progress.show(api.get("/v1/channels/" + id));
        if (!isTerminal(channel)) {
          Thread.sleep(backoffMs); // the stream ended early: reconnect, a little later each time
          backoffMs = Math.min(10_000, backoffMs * 2);
        }
      }
    }
    progress.finish();
    return channel;
  }

  private static boolean isTerminal(JsonNode channel) {
    return TERMINAL.contains(channel.path("status").asText());
  }

  /** The progress display of one channel: the bar, and how long the channel has been paused. */
  private final class Progress {
    private final ProgressBar bar;
    private final Clock clock;
    private long pausedSince = -1;

    Progress(ProgressBar bar, Clock clock) {
      this.bar = bar;
      this.clock = clock;
    }

    JsonNode show(JsonNode channel) {
      String status = channel.path("status").asText();
      boolean paused = status.endsWith("Paused");
      pausedSince = paused ? (pausedSince < 0 ? clock.millis() : pausedSince) : -1;
      String shown = headline(status, paused ? clock.millis() - pausedSince : 0);
      if (channel.path("stalled").asBoolean()) {
        shown = (shown.isEmpty() ? "" : shown + " ") + "(stalled: waiting for the peer)";
      }
      if (!json) {
        bar.update(moved(channel), total(channel), shown);
      }
      return channel;
    }

    void finish() {
      if (!json) {
        bar.finish();
      }
    }
  }

  /** Pauses this short are the normal rhythm of a paid pull (a payment is due every interval). */
  static final long QUIET_PAUSE_MILLIS = 5_000;

  /**
   * What the progress line says about the status: nothing while data flows or while a pause is
   * short (a paid pull pauses at every payment, and the payer answers at once), the status once it
   * lasts.
   */
  static String headline(String status, long pausedForMillis) {
    return switch (status) {
      case "Ongoing", "Requested", "Accepted" -> "";
      case "ResponderPaused", "InitiatorPaused", "BothPaused" ->
          pausedForMillis < QUIET_PAUSE_MILLIS
              ? ""
              : status
                  + " for "
                  + ProgressBar.duration(pausedForMillis / 1000)
                  + (status.startsWith("Responder") ? " (the sender waits: a payment due?)" : "");
      default -> status;
    };
  }

  /** The total to show progress against: announced, else the DAG's size from its root block. */
  static long total(JsonNode channel) {
    long total = channel.path("totalSize").asLong();
    return total > 0 ? total : channel.path("expectedBytes").asLong();
  }

  /** {@code …12345678}: the end of the transfer ID, enough to tell a person's channels apart. */
  static String shortId(JsonNode channel) {
    String t = channel.path("transferId").asText(channel.path("id").asText());
    return "…" + t.substring(Math.max(0, t.length() - 8));
  }

  static long moved(JsonNode channel) {
    boolean sender = channel.path("self").asText().equals(channel.path("sender").asText());
    return channel.path(sender ? "sentBytes" : "receivedBytes").asLong();
  }

  static long blocks(JsonNode channel) {
    boolean sender = channel.path("self").asText().equals(channel.path("sender").asText());
    return channel.path(sender ? "sentBlocks" : "receivedBlocks").asLong();
  }

  static JsonNode parseJson(String text, String option) {
    try {
      return ApiClient.json().readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " is not JSON: " + text);
    }
  }

  static String absolute(Path p) {
    return p.toAbsolutePath().normalize().toString();
  }
}
