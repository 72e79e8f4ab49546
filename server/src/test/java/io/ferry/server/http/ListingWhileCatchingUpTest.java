package io.ferry.server.http;

import static io.ferry.server.http.ApiTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node serves while its channel read model catches up with the journal (issue 17): a listing then
 * answers 503 {@code catching-up} saying how far the model got, rather than a list missing the
 * journal's tail or a request that hangs for the whole replay; once caught up it lists. The real
 * read model's side is ChannelReadModelTest's and the restart bench's.
 */
class ListingWhileCatchingUpTest {
  @TempDir Path home;
  private ActorSystem<Void> system;
  private FakeNode node;
  private ApiServer server;
  private ApiTestClient api;

  @BeforeEach
  void start() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "catching-up-test");
    node = new FakeNode();
    ApiToken token = ApiToken.loadOrCreate(home.resolve("api.token"));
    server =
        LoopbackApi.start(
            system, node, home, token, Duration.ofSeconds(30), Duration.ofSeconds(15));
    api = new ApiTestClient(server.address().baseUrl(), token.header());
  }

  @AfterEach
  void stop() {
    server.close();
    system.terminate();
  }

  @Test
  void aListingWhileTheReadModelReplaysAnswers503SayingHowFarItGot() {
    node.catchingUp = Optional.of("reading the channel journal: 123,456 channel events so far");
    node.caughtUp = new CompletableFuture<>();

    HttpResponse<String> listed = api.get("/v1/channels?status=Ongoing");

    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(503);
    assertThat(json(listed).get("error").asText()).isEqualTo("catching-up");
    assertThat(json(listed).get("detail").asText())
        .contains("not complete yet (reading the channel journal: 123,456 channel events so far)")
        .contains("GET /readyz");
  }

  @Test
  void aListingMadeJustBeforeTheModelCaughtUpWaitsForItAndLists() {
    node.catchingUp = Optional.of("reading the channel journal: 7 channel events so far");
    CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    node.caughtUp = caughtUp;
    CompletableFuture<HttpResponse<String>> listing =
        CompletableFuture.supplyAsync(() -> api.get("/v1/channels"));
    node.catchingUp = Optional.empty();
    caughtUp.complete(null);

    HttpResponse<String> listed = listing.join();

    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
  }
}
