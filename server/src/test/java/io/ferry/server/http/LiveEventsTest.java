package io.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.channels.ChannelId;
import io.ferry.engine.wiring.EventHub;
import io.ferry.ipld.selector.Selectors;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A following {@code /v1/events} stream takes the events from the node as its channels publish
 * them, not from a live journal query: here the journal's live query would deliver nothing for an
 * hour (as a polling read journal with an hour's refresh interval), and the events still arrive.
 */
class LiveEventsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;
  private ActorSystem<Void> system;
  private FakeNode node;
  private ApiServer server;
  private ApiToken token;

  /** One SSE event as read: its id, type and data. */
  record Read(String id, String type, JsonNode data) {}

  @BeforeEach
  void start() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "live-events");
    node = new FakeNode();
    node.hub = Optional.of(new EventHub(1000));
    node.journal =
        (after, live) ->
            live
                // a journal read live that would poll next in an hour
                ? Source.<NodeBackend.JournalEvent>maybe()
                    .mapMaterializedValue(m -> NotUsed.getInstance())
                : node.emittedJournal(after, false);
    token = ApiToken.loadOrCreate(home.resolve("api.token"));
    server =
        LoopbackApi.start(
            system, node, home, token, Duration.ofSeconds(10), Duration.ofSeconds(15));
  }

  @AfterEach
  void stop() {
    server.close();
    node.hub.ifPresent(EventHub::close);
    system.terminate();
  }

  private ChannelId open() throws Exception {
    return node.openPullDataChannel(FakeNode.OTHER, null, FakeNode.cid("root"), Selectors.all())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** Reads {@code n} events of a following stream (after {@code lastEventId} when given). */
  private CompletableFuture<List<Read>> read(int n, Optional<String> lastEventId) {
    return read(n, lastEventId, "");
  }

  private CompletableFuture<List<Read>> read(int n, Optional<String> lastEventId, String query) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(server.address().baseUrl() + "/v1/events?follow=true" + query))
            .header("Authorization", token.header());
    lastEventId.ifPresent(id -> b.header("Last-Event-ID", id));
    return HttpClient.newHttpClient()
        .sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream())
        .thenApplyAsync(
            r -> {
              List<Read> events = new ArrayList<>();
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String id = null;
                String type = null;
                String data = null;
                String line;
                while (events.size() < n && (line = in.readLine()) != null) {
                  if (line.isEmpty()) {
                    if (data != null) {
                      events.add(new Read(id, type, JSON.readTree(data)));
                    }
                    id = null;
                    type = null;
                    data = null;
                  } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                  } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                  } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                  }
                }
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              return events;
            });
  }

  /** Waits until the server's stream of a reader is registered with the hub, then emits. */
  private void whenFollowing(int followers, Runnable emit) {
    io.ferry.channels.testing.Poll.until(
        Duration.ofSeconds(20), "the stream follows the hub", () -> followers(followers));
    emit.run();
  }

  private boolean followers(int n) {
    // a following stream registers with the hub when it starts; an event published before that
    // would reach it through the journal part instead, which proves nothing here
    return node.hub.orElseThrow().followers() >= n;
  }

  @Test
  void anEventReachesAFollowerWithoutWaitingForTheJournalsNextPoll() throws Exception {
    ChannelId id = open();
    CompletableFuture<List<Read>> events = read(7, Optional.empty());

    whenFollowing(1, () -> node.completePull(id, 1024, 1));

    List<Read> got = events.get(30, TimeUnit.SECONDS);
    assertThat(got).extracting(r -> r.data().get("code").asText()).endsWith("CleanupComplete");
    assertThat(got)
        .extracting(r -> r.data().get("sequenceNr").asLong())
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void aFollowerStartingNowGetsTheEventsAfterItsStartAndNoneOfTheHistory() throws Exception {
    ChannelId done = open();
    node.completePull(done, 1024, 1);
    ChannelId next = open();
    // 8 events journaled before the stream starts: all of the first channel's, the next one's Open
    CompletableFuture<List<Read>> events = read(6, Optional.empty(), "&after=now");

    whenFollowing(1, () -> node.completePull(next, 2048, 2));

    assertThat(events.get(30, TimeUnit.SECONDS))
        .extracting(r -> r.data().get("channel").asText() + "#" + r.data().get("sequenceNr"))
        .containsExactly(
            next + "#2", next + "#3", next + "#4", next + "#5", next + "#6", next + "#7");
  }

  @Test
  void aFollowerResumingFromALiveEventsIdGetsEveryLaterEventExactlyOnce() throws Exception {
    ChannelId first = open();
    CompletableFuture<List<Read>> events = read(4, Optional.empty());
    whenFollowing(1, () -> node.completePull(first, 1024, 1));
    List<Read> before = events.get(30, TimeUnit.SECONDS);
    String lastId = before.get(before.size() - 1).id();
    assertThat(lastId).as("a live event's id is a cursor").contains(".");
    // the reader has gone; its stream ends when the server notices

    ChannelId second = open();
    node.completePull(second, 2048, 2);
    List<Read> after = read(3 + 7, Optional.of(lastId)).get(30, TimeUnit.SECONDS);

    assertThat(after)
        .extracting(r -> r.data().get("channel").asText() + "#" + r.data().get("sequenceNr"))
        .containsExactly(
            first + "#5",
            first + "#6",
            first + "#7",
            second + "#1",
            second + "#2",
            second + "#3",
            second + "#4",
            second + "#5",
            second + "#6",
            second + "#7");
  }
}
