package io.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
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
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An idle event stream is kept alive with SSE comments, which clients skip, not empty events. */
class SseKeepAliveTest {
  @TempDir Path home;

  @Test
  void anIdleFollowedStreamCarriesCommentLinesAndNoEmptyEvents() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "sse-test");
    FakeNode node = new FakeNode();
    node.journal =
        (after, live) ->
            Source.<NodeBackend.JournalEvent>maybe()
                .mapMaterializedValue(m -> org.apache.pekko.NotUsed.getInstance());
    ApiToken token = ApiToken.loadOrCreate(home.resolve("api.token"));
    ApiServer server =
        LoopbackApi.start(
            system, node, home, token, Duration.ofSeconds(10), Duration.ofMillis(200));
    try {
      HttpResponse<InputStream> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(server.address().baseUrl() + "/v1/events?follow=true"))
                      .header("Authorization", token.header())
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      List<String> lines = new ArrayList<>();
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        while (lines.size() < 6) { // three keep-alives, each a line and a blank line
          lines.add(in.readLine());
        }
      }

      assertThat(r.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
      assertThat(lines).contains(": keep-alive").noneMatch(l -> l.startsWith("data"));
    } finally {
      server.close();
      system.terminate();
    }
  }
}
