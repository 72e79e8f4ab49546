package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import io.ferry.server.config.ApiAddress;
import io.ferry.server.config.Settings;
import io.ferry.server.http.ApiServer;
import io.ferry.server.http.ApiToken;
import io.ferry.server.http.FakeNode;
import io.ferry.server.http.NodeBackend;
import io.ferry.server.http.PaymentsView;
import io.ferry.server.metrics.MetricRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI commands, in this JVM, against a real API server in front of an in-memory node. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliAgainstApiTest {
  @TempDir static Path home;
  @TempDir static Path elsewhere;
  private ActorSystem<Void> system;
  private FakeNode node;
  private ApiServer server;

  /** What one command run printed and returned. */
  record Run(int exit, String out, String err) {
    JsonNode json() {
      try {
        return ApiClient.json().readTree(out);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + out + "\nstderr: " + err, e);
      }
    }
  }

  @BeforeAll
  void start() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "cli-test");
    node = new FakeNode();
    ApiToken token = ApiToken.loadOrCreate(home.resolve("api.token"));
    server =
        ApiServer.start(
                system,
                node,
                new MetricRegistry(),
                new Settings.Api(
                    new ApiAddress("127.0.0.1", 0),
                    home.resolve("api.token"),
                    home.resolve("api.addr"),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(15)),
                token,
                true)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() {
    server.close();
    system.terminate();
  }

  @BeforeEach
  void reset() {
    node.autoOutcome = "";
    node.journal = node::emittedJournal;
  }

  private static Run ferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = FerryCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private String root() {
    return FakeNode.cid("file").toString();
  }

  @Test
  void pullWaitsForTheEndAndReportsWhatMoved() {
    node.autoOutcome = "complete";

    Run r = ferry("pull", "--home", home.toString(), "--from", FakeNode.OTHER_ADDR, root());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("pull complete: 3.0 MiB in 12 blocks");
    assertThat(r.err()).contains("pull " + root() + ": channel ").contains("Completed");
  }

  @Test
  void pullFollowsTheChannelsEventsAndReadsItOnlyWhenItChanges() throws Exception {
    node.journalFollowers.set(0);
    node.channelReads.set(0);
    CompletableFuture<Run> pull =
        CompletableFuture.supplyAsync(
            () -> ferry("pull", "--home", home.toString(), "--from", FakeNode.OTHER_ADDR, root()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (node.journalFollowers.get() == 0) {
      assertThat(pull).as("the pull ended before it followed the event stream").isNotDone();
      assertThat(System.nanoTime()).as("the pull opens the event stream").isLessThan(deadline);
      try {
        pull.get(20, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillRunning) {
        // what a pull should do while its channel has not moved
      }
    }
    int readsWhileWaiting = node.channelReads.get();
    ChannelId id = node.lastOpened;

    node.completePull(id, 3 << 20, 12);
    Run r = pull.get(60, TimeUnit.SECONDS);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("pull complete: 3.0 MiB in 12 blocks");
    // Read when opened and for its Open event; then at most once per event of the six that end
    // it (and once more if the Open event's read came late), however long it all takes.
    assertThat(readsWhileWaiting).isLessThanOrEqualTo(3);
    assertThat(node.channelReads.get() - readsWhileWaiting).isBetween(1, 7);
  }

  @Test
  void aFailedPullExitsNonZeroWithTheReason() {
    node.autoOutcome = "fail:the responder rejected the voucher";

    Run r = ferry("pull", "--home", home.toString(), "--from", FakeNode.OTHER_ADDR, root());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("failed: the responder rejected the voucher");
  }

  @Test
  void pullWithOutExportsAfterCompletionAndJsonPrintsTheChannel() {
    node.autoOutcome = "complete";
    Path out = elsewhere.resolve("copy.bin");

    Run r =
        ferry(
            "pull",
            "--home",
            home.toString(),
            "--from",
            FakeNode.OTHER_ADDR,
            root(),
            "--out",
            out.toString(),
            "--json");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.json().get("status").asText()).isEqualTo("Completed");
    assertThat(node.operations()).contains("export " + root() + " " + out);
  }

  @Test
  void aVoucherNeedsItsType() {
    Run r =
        ferry(
            "push",
            "--home",
            home.toString(),
            "--to",
            FakeNode.OTHER_ADDR,
            root(),
            "--voucher",
            "{}");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--voucher and --voucher-type go together");
  }

  @Test
  void channelsCanBeListedShownPausedResumedCancelledAndPurged() {
    Run opened =
        ferry("push", "--home", home.toString(), "--to", FakeNode.OTHER_ADDR, root(), "--detach");
    String id = opened.out().strip();

    Run ls = ferry("channels", "ls", "--home", home.toString(), "--json");
    Run paused = ferry("channels", "pause", id, "--home", home.toString());
    Run resumed = ferry("channels", "resume", id, "--home", home.toString(), "--json");
    Run restarted = ferry("channels", "restart", id, "--home", home.toString());
    Run cancelled = ferry("channels", "cancel", id, "--home", home.toString());
    Run shown = ferry("channels", "show", id, "--home", home.toString());
    Run purged = ferry("channels", "purge", id, "--home", home.toString());
    Run gone = ferry("channels", "show", id, "--home", home.toString());

    assertThat(opened.exit()).as(opened.err()).isZero();
    assertThat(ls.json().findValuesAsText("id")).contains(id);
    assertThat(paused.out()).contains(id + ": InitiatorPaused");
    assertThat(resumed.json().get("status").asText()).isEqualTo("Ongoing");
    assertThat(restarted.exit()).isZero();
    assertThat(cancelled.out()).contains("Cancelled");
    assertThat(shown.out()).contains("status:").contains("Cancelled").contains("direction:");
    assertThat(purged.out()).contains("purged " + id);
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).contains("channel not found");
  }

  /** {@code channels ls} reads a long listing page by page and prints every channel once. */
  @Test
  void aListingLongerThanAPageIsPrintedWhole() throws Exception {
    java.util.Set<String> opened = new java.util.HashSet<>();
    for (int i = 0; i < ChannelsCommand.Ls.PAGE + 5; i++) {
      opened.add(
          node.openPushDataChannel(
                  FakeNode.OTHER, null, FakeNode.cid("r"), io.ferry.ipld.selector.Selectors.all())
              .toCompletableFuture()
              .get(5, java.util.concurrent.TimeUnit.SECONDS)
              .toString());
    }

    Run ls = ferry("channels", "ls", "--home", home.toString());
    Run json = ferry("channels", "ls", "--home", home.toString(), "--json");

    assertThat(ls.exit()).as(ls.err()).isZero();
    List<String> rows =
        ls.out().lines().skip(1).map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
    int all =
        node.channels().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS).size();
    assertThat(rows).doesNotHaveDuplicates().containsAll(opened).hasSize(all);
    assertThat(json.json().findValuesAsText("id")).containsExactlyElementsOf(rows);
  }

  @Test
  void nextLinkFindsTheNextPageAmongLinks() {
    assertThat(ApiClient.nextLink("</v1/channels?limit=2&after=1_a>; rel=\"next\""))
        .isEqualTo("/v1/channels?limit=2&after=1_a");
    assertThat(ApiClient.nextLink("</a>; rel=\"prev\", </b>; rel=\"next\"")).isEqualTo("/b");
    assertThat(ApiClient.nextLink("</a>; rel=\"prev\"")).isNull();
    assertThat(ApiClient.nextLink("</c>; rel=next")).isEqualTo("/c");
    assertThat(ApiClient.nextLink("</d>; rel=\"next last\"")).isEqualTo("/d");
  }

  @Test
  void restartSaysWhatHappenedAndAChannelThatEndedCannotRestart() {
    String id =
        ferry("push", "--home", home.toString(), "--to", FakeNode.OTHER_ADDR, root(), "--detach")
            .out()
            .strip();

    Run restarted = ferry("channels", "restart", id, "--home", home.toString());
    node.silentRestart = true;
    Run pending;
    try {
      pending = ferry("channels", "restart", id, "--home", home.toString(), "--wait", "0.2");
    } finally {
      node.silentRestart = false;
    }
    ferry("channels", "cancel", id, "--home", home.toString());
    Run ended = ferry("channels", "restart", id, "--home", home.toString());

    assertThat(restarted.exit()).as(restarted.err()).isZero();
    assertThat(restarted.out()).contains(id + ": Ongoing; restarted: the other side answered");
    assertThat(pending.exit()).as(pending.err()).isZero();
    assertThat(pending.out()).contains("pending: no restart was recorded within 200 ms");
    assertThat(ended.exit()).isEqualTo(1);
    assertThat(ended.err()).contains("is Cancelled: a channel that has ended cannot restart");
  }

  @Test
  void channelsShowSaysWhatTheNodePaidForAPaidChannel() {
    String id =
        ferry("push", "--home", home.toString(), "--to", FakeNode.OTHER_ADDR, root(), "--detach")
            .out()
            .strip();
    PaymentsView.Budget budget = new PaymentsView.Budget(1000, 0, 300, 700);
    node.payments.put(
        ChannelId.parse(id),
        new PaymentsView(
            id,
            new PaymentsView.Terms(1, 100, 0, 0),
            "Completed",
            300,
            300,
            300,
            300,
            3,
            3,
            new PaymentsView.Outcome("Settled", "ended Completed: spent 300, released 0"),
            budget));
    try {
      Run shown = ferry("channels", "show", id, "--home", home.toString());
      Run json = ferry("channels", "show", id, "--home", home.toString(), "--json");

      assertThat(shown.exit()).as(shown.err()).isZero();
      assertThat(shown.out())
          .contains("payments:")
          .contains("paid 300 in 3 vouchers (acknowledged 300, spent 300, reserved 300; Completed)")
          .contains("last: ended Completed: spent 300, released 0");
      assertThat(json.json().at("/payments/paid").asLong()).isEqualTo(300);
      assertThat(json.json().at("/payments/budget/available").asLong()).isEqualTo(700);
    } finally {
      node.payments.clear();
    }
    Run unpaid = ferry("channels", "show", id, "--home", home.toString(), "--json");
    assertThat(unpaid.exit()).isZero();
    assertThat(unpaid.json().get("payments").isNull()).isTrue();
  }

  @Test
  void eventsPrintsTheJournalsEventsAndFiltersByChannel() {
    ChannelId a = new ChannelId(FakeNode.SELF, FakeNode.OTHER, 77);
    ChannelId b = new ChannelId(FakeNode.SELF, FakeNode.OTHER, 78);
    List<NodeBackend.JournalEvent> events =
        List.of(
            new NodeBackend.JournalEvent(
                1,
                a,
                new ChannelEvent(EventCode.Open, "", Instant.EPOCH, 1),
                Optional.of(Status.Requested)),
            new NodeBackend.JournalEvent(
                2, b, new ChannelEvent(EventCode.Open, "", Instant.EPOCH, 1), Optional.empty()),
            new NodeBackend.JournalEvent(
                3,
                a,
                new ChannelEvent(EventCode.Error, "boom", Instant.EPOCH, 2),
                Optional.of(Status.Failed)));
    node.journal = (after, live) -> Source.from(events).filter(e -> e.offset() > after);

    Run text = ferry("events", "--home", home.toString(), "--channel", a.toString());
    Run json = ferry("events", "--home", home.toString(), "--json", "--after", "1");

    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out().lines().toList())
        .hasSize(2)
        .anySatisfy(l -> assertThat(l).contains("Open -> Requested"))
        .anySatisfy(l -> assertThat(l).contains("Error -> Failed: boom"));
    assertThat(
            json.out().lines().map(l -> l.contains("\"offset\":2") || l.contains("\"offset\":3")))
        .containsExactly(true, true);
  }

  @Test
  void peersListsThePeersTheNodeKnows() {
    Run r = ferry("peers", "--home", home.toString(), "--json");

    assertThat(r.exit()).isZero();
    assertThat(r.json().get(0).get("peerId").asText()).isEqualTo(FakeNode.OTHER.toString());
  }

  @Test
  void withoutARunningNodeACommandSaysWhereItLooked() {
    Run r = ferry("channels", "ls", "--home", elsewhere.toString());

    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err()).contains(elsewhere.toString()).contains("ferry node run");
  }

  @Test
  void importExportAndCarGoThroughTheRunningNodeWithAbsolutePaths() throws Exception {
    Path file = elsewhere.resolve("data.bin");
    java.nio.file.Files.write(file, new byte[] {1, 2, 3});
    int before = node.operations().size();

    Run imported = ferry("import", "--home", home.toString(), file.toString());
    Run exported =
        ferry("export", "--home", home.toString(), root(), elsewhere.resolve("out").toString());
    Run car =
        ferry(
            "car",
            "export",
            "--home",
            home.toString(),
            root(),
            elsewhere.resolve("x.car").toString());

    assertThat(imported.exit()).as(imported.err()).isZero();
    assertThat(imported.out().strip().lines().reduce((a, b) -> b))
        .hasValue(FakeNode.cid(file.toString()).toString());
    assertThat(exported.exit()).as(exported.err()).isZero();
    assertThat(car.exit()).as(car.err()).isZero();
    assertThat(node.operations().subList(before, node.operations().size()))
        .containsExactly(
            "import " + file,
            "export " + root() + " " + elsewhere.resolve("out"),
            "export " + root() + " " + elsewhere.resolve("x.car"));
  }

  @Test
  void aNodeThatLeftItsAddressBehindButIsGoneIsSkippedForTheLocalStore(@TempDir Path crashed)
      throws Exception {
    io.ferry.transport.identity.NodeIdentity.loadOrCreate(crashed);
    ApiToken.loadOrCreate(crashed.resolve("api.token"));
    java.nio.file.Files.writeString(crashed.resolve("api.addr"), "127.0.0.1:1\n");
    Path file = elsewhere.resolve("local.bin");
    java.nio.file.Files.write(file, new byte[] {4, 5, 6});

    Run r = ferry("import", "--home", crashed.toString(), file.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("using the block store directly");
    assertThat(r.out()).startsWith("imported 3 bytes in 1 blocks");
    assertThat(crashed.resolve("blocks")).isDirectory();
  }

  @Test
  void bareFerryListsEveryCommandEachInAWholeSentence() {
    Run r = ferry();

    assertThat(r.exit()).isZero();
    String list = r.out().substring(r.out().indexOf("Commands:") + "Commands:".length());
    List<String> entries = List.of(list.strip().replaceAll("\\n\\s{6,}", " ").split("\\n"));
    assertThat(entries)
        .hasSizeGreaterThanOrEqualTo(12)
        .allSatisfy(e -> assertThat(e.strip()).endsWith("."));
    assertThat(list).contains("pull").contains("channels").contains("import");
  }

  @Test
  void everySubcommandPrintsTheVersion() {
    Run top = ferry("-V");

    for (String[] cmd :
        List.of(
            new String[] {"pull", "-V"},
            new String[] {"channels", "ls", "-V"},
            new String[] {"car", "import", "-V"})) {
      Run r = ferry(cmd);
      assertThat(r.exit()).isZero();
      assertThat(r.out()).as(String.join(" ", cmd)).isEqualTo(top.out()).startsWith("ferry ");
    }
  }

  @Test
  void channelsLsShowsEachChannelsRoot() {
    ferry("pull", "--home", home.toString(), "--from", FakeNode.OTHER_ADDR, root(), "--detach");

    Run r = ferry("channels", "ls", "--home", home.toString());

    assertThat(r.out().lines().findFirst()).hasValueSatisfying(h -> assertThat(h).contains("ROOT"));
    assertThat(r.out()).contains(root());
  }

  @Test
  void channelsShowPrintsVouchersAsJsonOfTheirTypeNotAsBase64() {
    Run opened =
        ferry(
            "pull",
            "--home",
            home.toString(),
            "--from",
            FakeNode.OTHER_ADDR,
            root(),
            "--voucher-type",
            "test/voucher",
            "--voucher",
            "{\"reason\":\"payment due: owed 1049085, paid 0\"}",
            "--detach");

    Run r = ferry("channels", "show", "--home", home.toString(), opened.out().strip());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("vouchers:             1")
        .contains("test/voucher {\"reason\":\"payment due: owed 1049085, paid 0\"}")
        .doesNotContain("cbor");
  }

  @Test
  void importExportAndCarPrintJsonWhenAsked() throws Exception {
    Path file = elsewhere.resolve("json.bin");
    java.nio.file.Files.write(file, new byte[] {7, 8, 9});

    JsonNode imported =
        ferry("import", "--home", home.toString(), file.toString(), "--json").json();
    JsonNode exported =
        ferry(
                "export",
                "--home",
                home.toString(),
                root(),
                elsewhere.resolve("json-out").toString(),
                "--json")
            .json();
    JsonNode car =
        ferry(
                "car",
                "export",
                "--home",
                home.toString(),
                root(),
                elsewhere.resolve("json.car").toString(),
                "--json")
            .json();

    assertThat(imported.get("root").asText()).isEqualTo(FakeNode.cid(file.toString()).toString());
    assertThat(exported.get("path").asText()).isEqualTo(elsewhere.resolve("json-out").toString());
    assertThat(car.get("blocks").asLong()).isEqualTo(3);
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] cmd :
        List.of(
            new String[] {"pull", "--help"},
            new String[] {"push", "--help"},
            new String[] {"channels", "--help"},
            new String[] {"channels", "ls", "--help"},
            new String[] {"channels", "purge", "--help"},
            new String[] {"events", "--help"},
            new String[] {"peers", "--help"})) {
      Run r = ferry(cmd);
      assertThat(r.exit()).as(String.join(" ", cmd)).isZero();
      assertThat(r.out()).contains("Usage: ferry " + cmd[0]);
    }
  }
}
