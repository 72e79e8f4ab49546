package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.EventCode;
import io.ferry.server.config.ApiAddress;
import io.ferry.server.config.Settings;
import io.ferry.server.http.ApiServer;
import io.ferry.server.http.ApiTestClient;
import io.ferry.server.http.ApiToken;
import io.ferry.server.http.FakeNode;
import io.ferry.server.http.JournalEvents;
import io.ferry.server.http.NodeBackend;
import io.ferry.server.metrics.MetricRegistry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/events} over a real LevelDB journal: a small tagged entity stands in for the channel
 * entity, and the stream is read back with Pekko Persistence Query, as in a node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventStreamJournalTest {
  private static final String TAG = "ferry-channel";
  private static final ChannelId A = new ChannelId(FakeNode.SELF, FakeNode.OTHER, 1);
  private static final ChannelId B = new ChannelId(FakeNode.SELF, FakeNode.OTHER, 2);

  @TempDir static Path dir;
  private ActorTestKit kit;
  private ApiServer server;
  private ApiToken token;
  private ActorRef<Append> channelA;
  private ActorRef<Append> channelB;
  private final HttpClient http = HttpClient.newHttpClient();

  /** Persist one event "code|message" and answer. */
  record Append(String code, String message, ActorRef<Done> replyTo) {}

  /** An entity that persists what it is told, tagging every event as the channel entity does. */
  static final class TaggedChannel extends EventSourcedBehavior<Append, String, Integer> {
    TaggedChannel(ChannelId id) {
      super(PersistenceId.ofUniqueId(id.toString()));
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<Append, String, Integer> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(
              Append.class,
              c ->
                  Effect()
                      .persist(c.code() + "|" + c.message())
                      .thenReply(c.replyTo(), s -> Done.getInstance()))
          .build();
    }

    @Override
    public EventHandler<Integer, String> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s + 1);
    }

    @Override
    public Set<String> tagsFor(String event) {
      return Set.of(TAG);
    }
  }

  static Behavior<Append> channel(ChannelId id) {
    return new TaggedChannel(id);
  }

  @BeforeAll
  void start() throws Exception {
    Config config =
        ConfigFactory.parseMap(
                Map.of(
                    "pekko.persistence.journal.plugin", "pekko.persistence.journal.leveldb",
                    "pekko.persistence.journal.leveldb.dir", dir.resolve("journal").toString(),
                    "pekko.persistence.journal.leveldb.native", "on",
                    "pekko.persistence.snapshot-store.plugin",
                        "pekko.persistence.snapshot-store.local",
                    "pekko.persistence.snapshot-store.local.dir",
                        dir.resolve("snapshots").toString(),
                    "pekko.persistence.query.journal.leveldb.refresh-interval", "200ms"))
            .withFallback(ConfigFactory.load());
    kit = ActorTestKit.create("sse-journal", config);
    JournalEvents journal =
        new JournalEvents(
            kit.system(),
            TAG,
            (offset, pid, seq, ts, event) -> {
              String[] parts = ((String) event).split("\\|", 2);
              return Optional.of(
                  new NodeBackend.JournalEvent(
                      offset,
                      ChannelId.parse(pid),
                      new ChannelEvent(
                          EventCode.valueOf(parts[0]), parts[1], Instant.ofEpochMilli(ts), seq),
                      Optional.empty()));
            });
    FakeNode node = new FakeNode();
    node.journal = journal::events;
    token = ApiToken.loadOrCreate(dir.resolve("api.token"));
    Settings.Api settings =
        new Settings.Api(
            new ApiAddress("127.0.0.1", 0),
            dir.resolve("api.token"),
            dir.resolve("api.addr"),
            Duration.ofSeconds(10),
            Duration.ofSeconds(1));
    server =
        ApiServer.start(kit.system(), node, new MetricRegistry(), settings, token, false)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    channelA = kit.spawn(channel(A));
    channelB = kit.spawn(channel(B));
  }

  @AfterAll
  void stop() {
    server.close();
    kit.shutdownTestKit();
  }

  private void append(ActorRef<Append> to, EventCode code, String message) {
    TestProbe<Done> probe = kit.createTestProbe();
    to.tell(new Append(code.name(), message, probe.ref()));
    probe.expectMessage(Duration.ofSeconds(10), Done.getInstance());
  }

  private InputStream open(String query, String lastEventId) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.address().baseUrl() + "/v1/events" + query))
            .header("Authorization", token.header())
            .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    return r.body();
  }

  /** Reads {@code n} events (or until the stream ends when n < 0), then disconnects. */
  private List<SseReader.Event> read(String query, String lastEventId, int n) throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              List<SseReader.Event> got = new ArrayList<>();
              try (SseReader sse = new SseReader(open(query, lastEventId))) {
                while (n < 0 || got.size() < n) {
                  Optional<SseReader.Event> e = sse.next();
                  if (e.isEmpty()) {
                    break;
                  }
                  got.add(e.get());
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
              return got;
            })
        .get(60, TimeUnit.SECONDS);
  }

  private static String describe(SseReader.Event e) {
    JsonNode j = ApiTestClient.JSON.valueToTree(parse(e));
    return j.get("channel").asText().endsWith("-1")
        ? "A " + j.get("code").asText() + " " + j.get("message").asText()
        : "B " + j.get("code").asText() + " " + j.get("message").asText();
  }

  private static JsonNode parse(SseReader.Event e) {
    try {
      return ApiTestClient.JSON.readTree(e.data());
    } catch (Exception x) {
      throw new AssertionError(e.data(), x);
    }
  }

  @Test
  void aClientThatDisconnectsAndResumesWithLastEventIdGetsEveryEventExactlyOnce() throws Exception {
    String channelA = "?channel=" + A;
    append(this.channelA, EventCode.Open, "one");
    append(this.channelA, EventCode.Accept, "two");
    append(this.channelA, EventCode.DataReceivedProgress, "three");
    append(this.channelA, EventCode.DataReceivedProgress, "four");

    List<SseReader.Event> first = read(channelA, null, 2);
    append(this.channelA, EventCode.DataReceivedProgress, "five");
    append(this.channelA, EventCode.FinishTransfer, "six");
    List<SseReader.Event> second = read(channelA, first.get(1).id(), 4);
    List<SseReader.Event> rest = read(channelA + "&follow=false", second.get(3).id(), -1);

    List<String> all = new ArrayList<>();
    first.forEach(e -> all.add(describe(e)));
    second.forEach(e -> all.add(describe(e)));
    assertThat(all)
        .containsExactly(
            "A Open one",
            "A Accept two",
            "A DataReceivedProgress three",
            "A DataReceivedProgress four",
            "A DataReceivedProgress five",
            "A FinishTransfer six");
    assertThat(rest).isEmpty();
    List<Long> ids = new ArrayList<>();
    first.forEach(e -> ids.add(Long.parseLong(e.id())));
    second.forEach(e -> ids.add(Long.parseLong(e.id())));
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    assertThat(first).allSatisfy(e -> assertThat(e.type()).isEqualTo("channel"));
  }

  @Test
  void eventsOfOtherChannelsAreLeftOutButKeepTheirPlaceInTheIds() throws Exception {
    append(channelB, EventCode.Open, "b1");
    append(channelB, EventCode.Cancel, "b2");

    List<SseReader.Event> onlyB = read("?follow=false&channel=" + B, null, -1);
    List<SseReader.Event> everything = read("?follow=false", null, -1);

    assertThat(onlyB)
        .extracting(EventStreamJournalTest::describe)
        .containsExactly("B Open b1", "B Cancel b2");
    assertThat(everything.stream().map(SseReader.Event::id))
        .contains(onlyB.get(0).id(), onlyB.get(1).id());
    assertThat(everything.size()).isGreaterThan(onlyB.size());
    for (int i = 1; i < everything.size(); i++) {
      assertThat(Long.parseLong(everything.get(i).id()))
          .isEqualTo(Long.parseLong(everything.get(i - 1).id()) + 1);
    }
  }

  @Test
  void aMalformedLastEventIdIsRefused() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.address().baseUrl() + "/v1/events"))
                .header("Authorization", token.header())
                .header("Last-Event-ID", "yesterday")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("Last-Event-ID").contains("yesterday");
  }
}
