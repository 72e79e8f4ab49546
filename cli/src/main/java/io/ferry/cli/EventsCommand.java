package io.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferry events}: channel events from the node's journal over Server-Sent Events. With {@code
 * --follow} it keeps going and, when the connection drops, reconnects with {@code Last-Event-ID} so
 * no event is missed or printed twice.
 */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = {
      "Prints channel events from the running node's journal, oldest first.",
      "With --follow, keeps printing new events and resumes after a dropped connection",
      "without missing or repeating one."
    })
public final class EventsCommand extends ClientCommand {
  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new events.")
  boolean follow;

  @Option(names = "--channel", paramLabel = "ID", description = "Only this channel's events.")
  String channel;

  @Option(
      names = "--after",
      paramLabel = "N",
      description = "Start after event id N (default: the first event in the journal).")
  Long after;

  @Option(names = "--json", description = "Print one JSON object per line.")
  boolean json;

  @Override
  int run(ApiClient api) throws Exception {
    Optional<String> last = Optional.ofNullable(after).map(String::valueOf);
    long backoffMs = 500;
    while (true) {
      try (SseReader sse = api.events(query(), last)) {
        Optional<SseReader.Event> e;
        while ((e = sse.next()).isPresent()) {
          print(e.get());
          if (e.get().id() != null) {
            last = Optional.of(e.get().id());
          }
          backoffMs = 500;
        }
        if (!follow) {
          return 0;
        }
      } catch (IOException | ApiException e) {
        if (!follow || (e instanceof ApiException a && a.status() != 0)) {
          throw e;
        }
      }
      err()
          .println(
              spec.qualifiedName()
                  + ": connection lost, resuming"
                  + last.map(id -> " after event " + id).orElse(""));
      err().flush();
      Thread.sleep(backoffMs);
      backoffMs = Math.min(10_000, backoffMs * 2);
    }
  }

  private Map<String, String> query() {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("follow", Boolean.toString(follow));
    if (channel != null) {
      q.put("channel", channel);
    }
    return q;
  }

  private void print(SseReader.Event e) throws IOException {
    if (e.data().isBlank()) {
      return; // an empty event (an older node's keep-alive) carries nothing to print
    }
    if (json) {
      out().println(e.data());
    } else {
      JsonNode j = ApiClient.json().readTree(e.data());
      String status = j.path("status").isTextual() ? " -> " + j.get("status").asText() : "";
      String message = j.path("message").asText();
      out()
          .printf(
              "%6s %s %s %s%s%s%n",
              e.id(),
              j.path("timestamp").asText(),
              j.path("channel").asText(),
              j.path("code").asText(),
              status,
              message.isEmpty() ? "" : ": " + message);
    }
    out().flush();
  }
}
