package io.ferry.server.http;

import static io.ferry.server.http.ApiTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.server.config.ApiAddress;
import io.ferry.server.config.Settings;
import io.ferry.server.metrics.ChannelMetrics;
import io.ferry.server.metrics.MetricRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiServerTest {
  @TempDir static Path home;
  private ActorSystem<Void> system;
  private FakeNode node;
  private ApiServer server;
  private ApiToken token;
  private ApiTestClient api;
  private ApiTestClient anonymous;

  @BeforeAll
  void start() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "api-test");
    node = new FakeNode();
    MetricRegistry registry = new MetricRegistry();
    node.subscribeToEvents(new ChannelMetrics(registry));
    token = ApiToken.loadOrCreate(home.resolve("api.token"));
    Settings.Api settings =
        new Settings.Api(
            new ApiAddress("127.0.0.1", 0),
            home.resolve("api.token"),
            home.resolve("api.addr"),
            Duration.ofSeconds(10),
            Duration.ofSeconds(15));
    server =
        ApiServer.start(system, node, registry, settings, token, true)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    api = new ApiTestClient(server.address().baseUrl(), token.header());
    anonymous = api.withAuthorization(null);
  }

  @AfterAll
  void stop() {
    server.close();
    system.terminate();
  }

  @BeforeEach
  void healthy() {
    node.ready = true;
  }

  private ChannelId openPull() {
    HttpResponse<String> r =
        api.post(
            "/v1/channels/pull",
            "{\"from\":\"" + FakeNode.OTHER_ADDR + "\",\"root\":\"" + FakeNode.cid("x") + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return ChannelId.parse(json(r).get("id").asText());
  }

  @Test
  void healthzAnswersWithoutAToken() {
    HttpResponse<String> r = anonymous.get("/healthz");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("status").asText()).isEqualTo("up");
  }

  @Test
  void everyOtherEndpointRefusesARequestWithoutTheTokenAndDoesNothing() {
    ChannelId someChannel = new ChannelId(FakeNode.SELF, FakeNode.OTHER, 999);
    int before = node.operations().size();

    for (Endpoint e :
        ApiServer.endpoints(node, new MetricRegistry(), new Replies(), Duration.ofSeconds(1))) {
      if (!e.authenticated()) {
        continue;
      }
      String path = e.path().replace("{id}", someChannel.toString());
      HttpResponse<String> r = anonymous.send(e.method().value(), path, "{}");

      assertThat(r.statusCode()).as(e.method().value() + " " + path).isEqualTo(401);
      assertThat(json(r).get("error").asText()).isEqualTo("unauthorized");
      assertThat(r.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }
    assertThat(node.operations()).hasSize(before);
  }

  @Test
  void aWrongTokenIsRefused() {
    HttpResponse<String> r = api.withAuthorization("Bearer not-the-token").get("/v1/id");

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).get("detail").asText()).contains("does not match");
  }

  @Test
  void theRightTokenIsAccepted() {
    HttpResponse<String> r = api.get("/v1/id");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("peerId").asText()).isEqualTo(FakeNode.SELF.toString());
  }

  @Test
  void theTokenAndAddressFilesAreOwnerOnlyAndNameTheServer() throws Exception {
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("api.token"))))
        .isEqualTo("rw-------");
    assertThat(ApiToken.read(home.resolve("api.token")))
        .hasValueSatisfying(t -> assertThat(t.value()).isEqualTo(token.value()));
    assertThat(Files.readString(home.resolve("api.addr")).strip())
        .isEqualTo(server.address().toString());
  }

  @Test
  void aPullOpensAChannelThatCanBeShownAndListed() {
    ChannelId id = openPull();

    JsonNode shown = json(api.get("/v1/channels/" + id));
    JsonNode listed = json(api.get("/v1/channels?peer=" + FakeNode.OTHER));

    assertThat(shown.get("direction").asText()).isEqualTo("pull");
    assertThat(shown.get("role").asText()).isEqualTo("initiator");
    assertThat(shown.get("status").asText()).isEqualTo("Requested");
    assertThat(shown.get("selector").isObject()).isTrue();
    assertThat(listed.findValuesAsText("id")).contains(id.toString());
  }

  @Test
  void pauseResumeAndCancelAnswerWithTheChannelAfterwards() {
    ChannelId id = openPull();

    JsonNode paused = json(api.post("/v1/channels/" + id + "/pause", null));
    JsonNode resumed = json(api.post("/v1/channels/" + id + "/resume", null));
    JsonNode cancelled = json(api.post("/v1/channels/" + id + "/cancel", null));

    assertThat(paused.get("status").asText()).isEqualTo("InitiatorPaused");
    assertThat(paused.get("initiatorPaused").asBoolean()).isTrue();
    assertThat(resumed.get("status").asText()).isEqualTo("Ongoing");
    assertThat(cancelled.get("status").asText()).isEqualTo("Cancelled");
  }

  @Test
  void aVoucherOfAKnownTypeIsSentAndAnUnknownTypeIsRefusedByName() {
    ChannelId id = openPull();

    HttpResponse<String> ok =
        api.post(
            "/v1/channels/" + id + "/voucher", "{\"type\":\"test/voucher\",\"value\":{\"n\":1}}");
    HttpResponse<String> bad =
        api.post("/v1/channels/" + id + "/voucher", "{\"type\":\"nope/1\",\"value\":{}}");

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).get("detail").asText()).contains("nope/1");
  }

  /**
   * {@code POST /v1/channels/purge} purges many channels in one request, and says for each one it
   * could not purge what its own {@code DELETE} would have answered.
   */
  @Test
  void manyChannelsArePurgedInOneRequestAndEachFailureSaysWhy() {
    ChannelId ended = openPull();
    ChannelId running = openPull();
    ChannelId unknown = new ChannelId(FakeNode.SELF, FakeNode.OTHER, 123456);
    node.completePull(ended, 1000, 4);

    HttpResponse<String> r =
        api.post(
            "/v1/channels/purge",
            "{\"ids\":[\"" + ended + "\",\"" + running + "\",\"" + unknown + "\"]}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("purged"))
        .extracting(JsonNode::asText)
        .containsExactly(ended.toString());
    JsonNode failed = json(r).get("failed");
    assertThat(failed).hasSize(2);
    assertThat(failed.get(0).get("id").asText()).isEqualTo(running.toString());
    assertThat(failed.get(0).get("error").asText()).isEqualTo("conflict");
    assertThat(failed.get(0).get("detail").asText()).contains("not terminal");
    assertThat(failed.get(1).get("id").asText()).isEqualTo(unknown.toString());
    assertThat(failed.get(1).get("error").asText()).isEqualTo("not-found");
    assertThat(node.state(ended)).isEmpty();
    assertThat(node.state(running)).isPresent();
  }

  @Test
  void purgingEveryEndedChannelLeavesTheOthers() {
    List<ChannelId> ended = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ChannelId id = openPull();
      node.completePull(id, 1000, 4);
      ended.add(id);
    }
    ChannelId running = openPull();

    HttpResponse<String> r = api.post("/v1/channels/purge", "{\"terminal\":true}");
    HttpResponse<String> neither = api.post("/v1/channels/purge", "{}");
    HttpResponse<String> both =
        api.post("/v1/channels/purge", "{\"terminal\":true,\"ids\":[\"" + running + "\"]}");
    HttpResponse<String> malformed = api.post("/v1/channels/purge", "{\"ids\":[\"nope\"]}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("purged"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrderElementsOf(ended.stream().map(ChannelId::toString).toList());
    assertThat(json(r).get("failed")).isEmpty();
    assertThat(node.state(running)).isPresent();
    assertThat(neither.statusCode()).isEqualTo(400);
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(json(malformed).get("detail").asText()).contains("nope");
  }

  /**
   * {@code GET /v1/channels?limit=N} answers a page and names the next one in a {@code Link}
   * header; the pages, followed to the end, hold the whole listing once, in its order, with the
   * filters kept, and a channel opened meanwhile lands on a later page.
   */
  @Test
  void aLongListingIsReadPageByPageFollowingTheLinkHeader() {
    for (int i = 0; i < 25; i++) {
      openPull();
    }
    List<String> whole = ids(api.get("/v1/channels?status=Requested"));
    assertThat(whole.size()).isGreaterThanOrEqualTo(25);

    List<String> paged = new java.util.ArrayList<>();
    List<Integer> sizes = new java.util.ArrayList<>();
    String next = "/v1/channels?limit=10&status=Requested";
    String openedMeanwhile = null;
    while (next != null) {
      HttpResponse<String> page = api.get(next);
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      sizes.add(ids(page).size());
      paged.addAll(ids(page));
      next =
          page.headers()
              .firstValue("Link")
              .map(l -> l.substring(l.indexOf('<') + 1, l.indexOf('>')))
              .orElse(null);
      if (next != null) {
        assertThat(page.headers().firstValue("Link").get()).endsWith(">; rel=\"next\"");
        assertThat(next).contains("status=Requested").contains("limit=10");
      }
      if (openedMeanwhile == null) {
        openedMeanwhile = openPull().toString();
      }
    }

    List<String> expected = new java.util.ArrayList<>(whole);
    expected.add(openedMeanwhile);
    assertThat(paged).as("the pages, one after the other").containsExactlyElementsOf(expected);
    assertThat(sizes.subList(0, sizes.size() - 1)).allMatch(n -> n == 10);
    assertThat(sizes.get(sizes.size() - 1)).isBetween(1, 10);
    assertThat(api.get("/v1/channels?limit=0").statusCode()).isEqualTo(400);
    assertThat(api.get("/v1/channels?limit=ten").statusCode()).isEqualTo(400);
    HttpResponse<String> badCursor = api.get("/v1/channels?limit=5&after=yesterday");
    assertThat(badCursor.statusCode()).isEqualTo(400);
    assertThat(json(badCursor).get("detail").asText()).contains("after must be the cursor");
    HttpResponse<String> wholeInOne = api.get("/v1/channels?limit=100");
    assertThat(wholeInOne.headers().firstValue("Link")).isEmpty();
    // Written out as the client reads, not built whole first.
    assertThat(wholeInOne.headers().firstValue("transfer-encoding")).hasValue("chunked");
    assertThat(json(wholeInOne)).hasSize(ids(wholeInOne).size());
    HttpResponse<String> none = api.get("/v1/channels?peer=" + FakeNode.SELF);
    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(none.body()).isEqualTo("[]");
    assertThat(none.headers().firstValue("content-type")).hasValue("application/json");
  }

  private static List<String> ids(HttpResponse<String> listing) {
    List<String> ids = new java.util.ArrayList<>();
    json(listing).forEach(c -> ids.add(c.get("id").asText()));
    return ids;
  }

  @Test
  void anUnknownChannelIs404AndAMalformedIdIs400() {
    ChannelId unknown = new ChannelId(FakeNode.SELF, FakeNode.OTHER, 123456);

    HttpResponse<String> missing = api.get("/v1/channels/" + unknown);
    HttpResponse<String> malformed = api.get("/v1/channels/not-a-channel");

    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).get("error").asText()).isEqualTo("not-found");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(json(malformed).get("detail").asText()).contains("not-a-channel");
  }

  @Test
  void aPaidChannelsPaymentsAreShownAndAnyOtherChannelAnswers404NamingWhy() {
    ChannelId paid = openPull();
    ChannelId unpaid = openPull();
    PaymentsView.Budget budget = new PaymentsView.Budget(1000, 100, 300, 600);
    node.budget = budget;
    node.payments.put(
        paid,
        new PaymentsView(
            paid.toString(),
            new PaymentsView.Terms(1, 100, 0, 0),
            "running",
            400,
            300,
            300,
            300,
            3,
            3,
            new PaymentsView.Outcome("Paid", "sent voucher 3 for 300 (+100)"),
            budget));
    try {
      HttpResponse<String> shown = api.get("/v1/channels/" + paid + "/payments");
      HttpResponse<String> none = api.get("/v1/channels/" + unpaid + "/payments");
      HttpResponse<String> whole = api.get("/v1/payments");
      node.budget = null;
      HttpResponse<String> noBudget = api.get("/v1/channels/" + unpaid + "/payments");
      HttpResponse<String> disabled = api.get("/v1/payments");
      HttpResponse<String> unknown =
          api.get("/v1/channels/" + new ChannelId(FakeNode.SELF, FakeNode.OTHER, 99) + "/payments");

      assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
      JsonNode p = json(shown);
      assertThat(p.get("channel").asText()).isEqualTo(paid.toString());
      assertThat(p.get("paid").asLong()).isEqualTo(300);
      assertThat(p.get("vouchers").asLong()).isEqualTo(3);
      assertThat(p.at("/terms/paymentInterval").asLong()).isEqualTo(100);
      assertThat(p.at("/lastOutcome/kind").asText()).isEqualTo("Paid");
      assertThat(p.at("/budget/available").asLong()).isEqualTo(600);
      assertThat(none.statusCode()).isEqualTo(404);
      assertThat(json(none).get("error").asText()).isEqualTo("no-payments");
      assertThat(json(none).get("detail").asText()).contains(unpaid.toString(), "not a paid pull");
      assertThat(json(whole).get("enabled").asBoolean()).isTrue();
      assertThat(json(whole).at("/budget/total").asLong()).isEqualTo(1000);
      assertThat(json(noBudget).get("detail").asText()).contains("no payment budget");
      assertThat(json(disabled).get("enabled").asBoolean()).isFalse();
      assertThat(json(disabled).get("budget").isNull()).isTrue();
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(json(unknown).get("error").asText()).isEqualTo("not-found");
    } finally {
      node.budget = null;
      node.payments.clear();
    }
  }

  @Test
  void aRestartAskedWhileOneIsUnderWaySaysSoAndLeavesTheChannelGoing() {
    ChannelId id = openPull();
    String before = json(api.get("/v1/channels/" + id)).get("status").asText();
    node.restartUnderWay = true;
    HttpResponse<String> again;
    try {
      again = api.post("/v1/channels/" + id + "/restart", "");
    } finally {
      node.restartUnderWay = false;
    }

    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(json(again).at("/restart/outcome").asText()).isEqualTo("already-restarting");
    assertThat(json(again).at("/restart/detail").asText())
        .contains("already under way")
        .contains("nothing more was sent");
    assertThat(json(again).get("status").asText()).isEqualTo(before);
  }

  @Test
  void aRestartAnswersWithWhatItDidAndAnEndedChannelCannotRestart() {
    ChannelId id = openPull();

    HttpResponse<String> restarted = api.post("/v1/channels/" + id + "/restart?wait=5", "");
    node.silentRestart = true;
    HttpResponse<String> unanswered;
    try {
      unanswered = api.post("/v1/channels/" + id + "/restart?wait=0.2", "");
    } finally {
      node.silentRestart = false;
    }
    api.post("/v1/channels/" + id + "/cancel", "");
    HttpResponse<String> ended = api.post("/v1/channels/" + id + "/restart", "");
    HttpResponse<String> badWait = api.post("/v1/channels/" + id + "/restart?wait=soon", "");

    assertThat(restarted.statusCode()).as(restarted.body()).isEqualTo(200);
    assertThat(json(restarted).get("id").asText()).isEqualTo(id.toString());
    assertThat(json(restarted).at("/restart/outcome").asText()).isEqualTo("restarted");
    assertThat(json(restarted).at("/restart/detail").asText()).contains("answered the restart");
    assertThat(unanswered.statusCode()).isEqualTo(200);
    assertThat(json(unanswered).at("/restart/outcome").asText()).isEqualTo("pending");
    assertThat(json(unanswered).at("/restart/detail").asText())
        .contains("no restart was recorded within 200 ms");
    assertThat(ended.statusCode()).isEqualTo(409);
    assertThat(json(ended).get("detail").asText())
        .contains("is Cancelled", "a channel that has ended cannot restart");
    assertThat(badWait.statusCode()).isEqualTo(400);
    assertThat(json(badWait).get("detail").asText()).contains("wait", "'soon'");
  }

  @Test
  void badInputIsRefusedWithAnErrorNamingTheValue() {
    HttpResponse<String> badCid =
        api.post(
            "/v1/channels/pull", "{\"from\":\"" + FakeNode.OTHER_ADDR + "\",\"root\":\"zzz\"}");
    HttpResponse<String> noFrom =
        api.post("/v1/channels/pull", "{\"root\":\"" + FakeNode.cid("x") + "\"}");
    HttpResponse<String> notJson = api.send("POST", "/v1/channels/pull", "{not json");
    HttpResponse<String> badDial =
        api.post(
            "/v1/channels/pull",
            "{\"from\":\"/ip4/1.2.3.4/tcp/1\",\"root\":\"" + FakeNode.cid("x") + "\"}");

    assertThat(badCid.statusCode()).isEqualTo(400);
    assertThat(json(badCid).get("detail").asText()).contains("zzz");
    assertThat(noFrom.statusCode()).isEqualTo(400);
    assertThat(json(noFrom).get("detail").asText()).contains("from");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(json(notJson).get("error").asText()).isEqualTo("bad-request");
    assertThat(badDial.statusCode()).isEqualTo(400);
    assertThat(json(badDial).get("detail").asText()).contains("/ip4/1.2.3.4/tcp/1");
  }

  @Test
  void unknownRoutesAndWrongMethodsAnswerInJson() {
    HttpResponse<String> unknown = api.get("/v1/nothing-here");
    HttpResponse<String> wrongMethod = api.send("PUT", "/v1/id", "{}");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).get("error").asText()).isEqualTo("not-found");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(json(wrongMethod).get("error").asText()).isEqualTo("method-not-allowed");
  }

  @Test
  void aKnownPathWithAnotherMethodIs405NamingTheMethodsAllowed() {
    HttpResponse<String> r = api.send("DELETE", "/v1/id", null);

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET");
    assertThat(json(r).get("error").asText()).isEqualTo("method-not-allowed");
  }

  @Test
  void aBodyWithAnUnknownFieldIsRefusedNamingTheFieldNotJacksonsInternals() {
    HttpResponse<String> r =
        api.post("/v1/channels/pull", "{\"from\":\"x\",\"root\":\"y\",\"color\":1}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("detail").asText())
        .contains("unknown field 'color'")
        .doesNotContain("Unrecognized")
        .doesNotContain("com.fasterxml")
        .doesNotContain("ApiRequests");
  }

  @Test
  void onlyATerminalChannelCanBePurged() {
    ChannelId id = openPull();

    HttpResponse<String> early = api.send("DELETE", "/v1/channels/" + id, null);
    api.post("/v1/channels/" + id + "/cancel", null);
    HttpResponse<String> purged = api.send("DELETE", "/v1/channels/" + id, null);

    assertThat(early.statusCode()).isEqualTo(409);
    assertThat(json(early).get("detail").asText()).contains("not terminal");
    assertThat(purged.statusCode()).isEqualTo(200);
    assertThat(api.get("/v1/channels/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  void metricsReflectAFinishedTransfer() {
    ChannelId id = openPull();
    node.completePull(id, 1000, 4);

    HttpResponse<String> r = api.get("/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(r.body())
        .contains("ferry_received_bytes_total ")
        .contains("ferry_channels_ended_total{status=\"Completed\"} ")
        .contains("ferry_channel_duration_seconds_bucket{le=\"+Inf\"} ")
        .doesNotContain(FakeNode.OTHER.toString())
        .contains("ferry_validation_outcomes_total{outcome=\"accepted\"} ")
        .contains("# TYPE ferry_channels gauge");
    assertThat(node.state(id))
        .hasValueSatisfying(s -> assertThat(s.status()).isEqualTo(Status.Completed));
    assertThat(sample(r.body(), "ferry_received_blocks_total")).isGreaterThanOrEqualTo(4);
  }

  private static double sample(String scrape, String series) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + series + " in\n" + scrape));
  }

  @Test
  void readyzSaysWhichPartIsNotReady() {
    assertThat(api.get("/readyz").statusCode()).isEqualTo(200);

    node.ready = false;
    HttpResponse<String> r = api.get("/readyz");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).get("parts").get("journal").asBoolean()).isFalse();
    assertThat(json(r).get("detail").get("journal").asText()).isEqualTo("recovering");
  }

  @Test
  void importAndExportWorkOnAbsolutePathsOnly() {
    HttpResponse<String> ok = api.post("/v1/blocks/import", "{\"path\":\"/tmp/some-file\"}");
    HttpResponse<String> relative = api.post("/v1/blocks/import", "{\"path\":\"some-file\"}");
    HttpResponse<String> badFormat =
        api.post(
            "/v1/export",
            "{\"root\":\"" + FakeNode.cid("x") + "\",\"path\":\"/tmp/o\",\"format\":\"zip\"}");

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(json(ok).get("blocks").asLong()).isEqualTo(3);
    assertThat(relative.statusCode()).isEqualTo(400);
    assertThat(json(relative).get("detail").asText()).contains("absolute");
    assertThat(badFormat.statusCode()).isEqualTo(400);
    assertThat(json(badFormat).get("detail").asText()).contains("zip");
  }
}
