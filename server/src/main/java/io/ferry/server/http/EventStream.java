package io.ferry.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.channels.ChannelId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /v1/events}: channel events as Server-Sent Events, read from the journal. Each event's
 * SSE {@code id} is its offset under the channel-event tag, so a client that reconnects with {@code
 * Last-Event-ID: N} gets exactly the events after N: none missed, none repeated. Query parameters:
 * {@code channel} (only that channel's events), {@code after} (start after this offset when there
 * is no {@code Last-Event-ID}; default 0, the first event still in the journal; {@code now}: only
 * the events journaled from now on, with none of the history before them), {@code follow} ({@code
 * false} ends the stream at the journal's current end; default {@code true}). On a node whose
 * channels all run here, a following stream continues from the journal's end with the events as the
 * channels publish them ({@link LiveTail}), whose ids are cursors ({@code N.EPOCH.NUMBER}).
 */
final class EventStream {
  /** The SSE event type of channel events. */
  static final String EVENT_TYPE = "channel";

  /** The value of {@code after} that starts a stream at the journal's current end. */
  static final String NOW = "now";

  private final NodeBackend node;
  private final ObjectMapper json;
  private final Duration keepAlive;

  EventStream(NodeBackend node, ObjectMapper json, Duration keepAlive) {
    this.node = node;
    this.json = json;
    this.keepAlive = keepAlive;
  }

  /**
   * One channel event as the stream shows it.
   *
   * @param offset the event's journal offset (its SSE id); null for an event delivered live
   * @param channel the channel ID
   * @param code the event code's name
   * @param codeNumber the event code's number
   * @param message more about it; may be empty
   * @param timestamp ISO-8601
   * @param sequenceNr position in the channel's own journal
   * @param status the channel's status after the event, or null when not known
   */
  record EventView(
      Long offset,
      String channel,
      String code,
      int codeNumber,
      String message,
      String timestamp,
      long sequenceNr,
      String status) {}

  List<Endpoint> endpoints() {
    return List.of(new Endpoint(HttpMethods.GET, "/v1/events", true, p -> stream()));
  }

  private Route stream() {
    return optionalHeaderValueByName(
        "Last-Event-ID",
        lastId ->
            parameterOptional(
                "after",
                after ->
                    parameterOptional(
                        "channel",
                        channel ->
                            parameterOptional(
                                "follow",
                                follow ->
                                    complete(
                                        HttpResponse.create()
                                            .withEntity(
                                                HttpEntities.createChunked(
                                                    MediaTypes.TEXT_EVENT_STREAM.toContentType(),
                                                    source(
                                                        startAfter(lastId, after, node),
                                                        channel.map(ChannelId::parse),
                                                        follow
                                                            .map(EventStream::parseFollow)
                                                            .orElse(true)))))))));
  }

  private static LiveTail.Cursor startAfter(
      Optional<String> lastEventId, Optional<String> after, NodeBackend node) {
    if (lastEventId.isPresent() && !lastEventId.get().isBlank()) {
      return LiveTail.Cursor.parse(lastEventId.get(), "Last-Event-ID");
    }
    if (after.isPresent() && after.get().strip().equals(NOW)) {
      // A subscriber that wants what happens next, not the history: a stream from offset 0 on a
      // node that moved gigabytes first sends every event since (thousands), and the first new
      // event waited seconds behind them (docs/benchmarks.md, SSE after the pulls).
      return LiveTail.Cursor.journal(node.eventsEnd());
    }
    return after.map(a -> LiveTail.Cursor.parse(a, "after")).orElse(LiveTail.Cursor.journal(0));
  }

  private static boolean parseFollow(String text) {
    return switch (text) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default ->
          throw new IllegalArgumentException("follow must be true or false, was '" + text + "'");
    };
  }

  /**
   * The events as {@code text/event-stream} bytes. While following, an idle stream carries a
   * comment line every {@code keepAlive} (": keep-alive"), which clients skip; an empty event would
   * reach them as an event without data.
   */
  private Source<ByteString, NotUsed> source(
      LiveTail.Cursor after, Optional<ChannelId> channel, boolean follow) {
    Optional<io.ferry.engine.wiring.EventHub> hub = follow ? node.localEvents() : Optional.empty();
    Source<ByteString, NotUsed> events =
        hub.isPresent()
            ? new LiveTail(node, hub.get(), render).after(after, channel)
            : node.journalEvents(after.offset(), follow)
                .filter(e -> channel.isEmpty() || e.channelId().equals(channel.get()))
                .map(render::journal);
    if (follow && channel.isEmpty()) {
      // Gateway fetches are no journaled channels: their changes come live, as "fetch" events
      // without an id (a reconnecting client resumes the channel events by their ids).
      events = events.merge(node.fetchEvents().map(this::fetchToSse).map(EventStream::encode));
    }
    return follow ? events.keepAlive(keepAlive, () -> KEEP_ALIVE) : events;
  }

  private static final ByteString KEEP_ALIVE = ByteString.fromString(": keep-alive\n\n");

  /** One event in the text/event-stream format: event, data (one line per line), id. */
  static ByteString encode(ServerSentEvent e) {
    StringBuilder b = new StringBuilder();
    e.getEventType().ifPresent(t -> b.append("event: ").append(t).append('\n'));
    for (String line : e.getData().split("\n", -1)) {
      b.append("data: ").append(line).append('\n');
    }
    e.getId().ifPresent(id -> b.append("id: ").append(id).append('\n'));
    return ByteString.fromString(b.append('\n').toString());
  }

  private ServerSentEvent fetchToSse(io.ferry.server.fetch.FetchRecords.FetchRecord r)
      throws JsonProcessingException {
    return ServerSentEvent.create(json.writeValueAsString(FetchViews.event(r)), "fetch");
  }

  private final LiveTail.Render render =
      new LiveTail.Render() {
        @Override
        public ByteString journal(NodeBackend.JournalEvent e) {
          return encode(toSse(e));
        }

        @Override
        public ByteString live(io.ferry.engine.wiring.EventHub.Live e, String id) {
          EventView v =
              new EventView(
                  null,
                  e.state().channelId().toString(),
                  e.event().code().name(),
                  e.event().code().code(),
                  e.event().message(),
                  String.valueOf(e.event().timestamp()),
                  e.event().sequenceNr(),
                  e.state().status().name());
          return encode(ServerSentEvent.create(write(v), EVENT_TYPE, id));
        }

        @Override
        public ByteString dropped(String reason) {
          return encode(
              ServerSentEvent.create(write(java.util.Map.of("reason", reason)), LiveTail.DROPPED));
        }
      };

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an event as JSON", e);
    }
  }

  private ServerSentEvent toSse(NodeBackend.JournalEvent e) {
    EventView v =
        new EventView(
            e.offset(),
            e.channelId().toString(),
            e.event().code().name(),
            e.event().code().code(),
            e.event().message(),
            String.valueOf(e.event().timestamp()),
            e.event().sequenceNr(),
            e.status().map(Enum::name).orElse(null));
    return ServerSentEvent.create(write(v), EVENT_TYPE, Long.toString(e.offset()));
  }
}
