package io.ferry.cli.e2e;

import static io.ferry.cli.e2e.FerryProcess.ferry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.channels.testing.Poll;
import io.ferry.cli.FerryCli;
import io.ferry.cli.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real nodes in separate JVMs on 127.0.0.1. A sells retrievals (paid retrieval, one unit per
 * byte, a payment every MiB) and sends at most 4 MiB/s so that a transfer lasts long enough to be
 * steered; B pays from a budget and accepts pushes from holders of an allowlist token (the example
 * plug-in, installed in both nodes' plugins directories, with a token configured on B only).
 * Everything goes through the {@code ferry} command and the HTTP API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodesEndToEndTest {
  private static final String PROPOSAL = "ferry/paid-retrieval/proposal/1";
  private static final String TERMS =
      "{\"terms\":{\"pricePerByte\":1,\"paymentInterval\":1048576,"
          + "\"paymentIntervalIncrease\":0,\"unsealPrice\":0}}";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private NodeProcess a;
  private NodeProcess b;
  private String aAddress;
  private String bAddress;

  @BeforeAll
  void startTwoNodes() throws Exception {
    Path aConf = dir.resolve("a.conf");
    Files.writeString(
        aConf,
        """
        ferry.validators.settings.paid-retrieval {
          price-per-byte = 1, payment-interval = 1048576, payment-interval-increase = 0
        }
        ferry.rate-limits.upload = 4 MiB
        # B's stop and start may outlast ten 2-second attempts on a loaded machine (a JVM start
        # took up to a minute, docs/chaos.md): A must not give up on the channel meanwhile.
        ferry.timeouts.restart { backoff-min = 200ms, backoff-max = 2s, max-attempts = 100 }
        """);
    Path bConf = dir.resolve("b.conf");
    Files.writeString(
        bConf,
        """
        ferry.payments.budget = 1000000000
        ferry.validators.settings.allowlist.tokens = "e2e-token"
        """);
    Path plugin = examplePluginJar();
    assertThat(plugin)
        .as(
            "the example plug-in jar (built by examples/allowlist-validator, copied by cli/pom.xml)")
        .isRegularFile();
    for (String node : List.of("a", "b")) {
      // Both sides know the voucher type; only B's settings allow a token.
      Files.createDirectories(dir.resolve(node + "/plugins"));
      Files.copy(plugin, dir.resolve(node + "/plugins/allowlist-validator.jar"));
    }
    a = new NodeProcess(dir.resolve("a"), aConf).start();
    assertThat(bConf).as("B's configuration, written before A started").isRegularFile();
    b = new NodeProcess(dir.resolve("b"), bConf).start();
    aAddress = a.peerAddress();
    bAddress = b.peerAddress();
  }

  @AfterAll
  void stopNodes() throws Exception {
    if (a != null) {
      a.stop();
    }
    if (b != null) {
      b.stop();
    }
  }

  // ---- helpers ----

  /**
   * The example plug-in's jar: where cli/pom.xml copies it, else where the reactor built it
   * (examples/allowlist-validator is built before node).
   */
  private static Path examplePluginJar() throws IOException {
    String copied = System.getProperty("ferry.example.plugin.jar");
    if (copied != null && Files.isRegularFile(Path.of(copied))) {
      return Path.of(copied);
    }
    Path target =
        Path.of(
            System.getProperty("ferry.project.root", ".."), "examples/allowlist-validator/target");
    if (!Files.isDirectory(target)) {
      return target.resolve("missing.jar");
    }
    try (var jars = Files.list(target)) {
      return jars.filter(
              p -> {
                String n = p.getFileName().toString();
                return n.startsWith("ferry-example-allowlist-validator")
                    && n.endsWith(".jar")
                    && !n.contains("tests")
                    && !n.contains("sources");
              })
          .findFirst()
          .orElse(target.resolve("missing.jar"));
    }
  }

  private static Path randomFile(String name, int bytes, long seed) throws IOException {
    byte[] data = new byte[bytes];
    new Random(seed).nextBytes(data);
    Path f = dir.resolve(name);
    Files.write(f, data);
    return f;
  }

  /** Imports a file on a node through {@code ferry import}; returns the root CID. */
  private static String importOn(NodeProcess node, Path file) throws Exception {
    FerryProcess.Result r = ferry("import", "--home", node.home().toString(), file.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    return r.lastLine();
  }

  private HttpResponse<String> get(NodeProcess node, String path, String token) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(node.api() + path)).GET();
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode channel(NodeProcess node, String id) throws Exception {
    HttpResponse<String> r = get(node, "/v1/channels/" + id, node.token());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** The channel and its events on both nodes: its message says why it ended. */
  private String whyNotCompleted(String id) {
    StringBuilder why = new StringBuilder();
    for (NodeProcess node : List.of(a, b)) {
      why.append("channel on ").append(node.home()).append(": ");
      try {
        why.append(get(node, "/v1/channels/" + id, node.token()).body());
      } catch (Exception e) {
        why.append("unreadable: ").append(e);
      }
      why.append('\n');
    }
    for (NodeProcess node : List.of(a, b)) {
      why.append("events on ").append(node.home()).append(": ");
      try {
        why.append(get(node, "/v1/events?follow=false&channel=" + id, node.token()).body());
      } catch (Exception e) {
        why.append("unreadable: ").append(e);
      }
      why.append('\n');
    }
    for (NodeProcess node : List.of(a, b)) {
      List<String> lines = node.log().lines().filter(l -> l.contains(id)).toList();
      why.append("log lines naming it on ").append(node.home()).append(":\n");
      lines
          .subList(Math.max(0, lines.size() - 40), lines.size())
          .forEach(l -> why.append(l).append('\n'));
    }
    return why.toString();
  }

  private String waitForStatus(NodeProcess node, String id, String... statuses) {
    return Poll.until(
        Duration.ofSeconds(90),
        "channel " + id + " on " + node.home() + " to reach one of " + List.of(statuses),
        () -> {
          try {
            return channel(node, id).get("status").asText();
          } catch (Exception e) {
            return "unreadable: " + e.getMessage();
          }
        },
        s -> List.of(statuses).contains(s));
  }

  /** {@code ferry pull} on b from a, with the paid-retrieval proposal, plus {@code extra}. */
  private FerryProcess.Result paidPullOnB(String root, String... extra) throws Exception {
    return ferry(
        with(
            extra,
            "pull",
            "--home",
            b.home().toString(),
            "--from",
            aAddress,
            root,
            "--voucher-type",
            PROPOSAL,
            "--voucher",
            TERMS));
  }

  /** {@code ferry push} from a to b, with the example allowlist voucher {@code token}. */
  private FerryProcess.Result allowlistedPushFromA(String root, String token, String... extra)
      throws Exception {
    return ferry(
        with(
            extra,
            "push",
            "--home",
            a.home().toString(),
            "--to",
            bAddress,
            root,
            "--voucher-type",
            "ferry-example/allowlist/1",
            "--voucher",
            token));
  }

  private static String[] with(String[] extra, String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    return all;
  }

  private String detachedPull(String root) throws Exception {
    FerryProcess.Result r = paidPullOnB(root, "--detach");
    assertThat(r.exit()).as(r.err()).isZero();
    return r.lastLine();
  }

  /** Reads SSE events from B, disconnecting after {@code n} (all there are when n < 0). */
  private List<SseReader.Event> events(String query, String lastEventId, int n) throws Exception {
    return eventsUntil(query, lastEventId, n, e -> false);
  }

  /** Reads SSE events from B until {@code n} arrived, or one matches {@code last}, or the end. */
  private List<SseReader.Event> eventsUntil(
      String query, String lastEventId, int n, java.util.function.Predicate<SseReader.Event> last)
      throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              List<SseReader.Event> got = new ArrayList<>();
              try {
                HttpRequest.Builder req =
                    HttpRequest.newBuilder(URI.create(b.api() + "/v1/events" + query))
                        .header("Authorization", "Bearer " + b.token());
                if (lastEventId != null) {
                  req.header("Last-Event-ID", lastEventId);
                }
                HttpResponse<InputStream> r =
                    http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
                try (SseReader sse = new SseReader(r.body())) {
                  Optional<SseReader.Event> e;
                  while ((n < 0 || got.size() < n) && (e = sse.next()).isPresent()) {
                    got.add(e.get());
                    if (last.test(e.get())) {
                      break;
                    }
                  }
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
              return got;
            })
        .get(2, TimeUnit.MINUTES);
  }

  private static JsonNode data(SseReader.Event e) {
    try {
      return JSON.readTree(e.data());
    } catch (IOException x) {
      throw new AssertionError(e.data(), x);
    }
  }

  private static double metric(String scrape, String series) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst()
        .orElse(0);
  }

  // ---- scenarios ----

  @Test
  void aPaidPullArrivesByteForByteWithItsEventsOverSseAndInTheMetrics() throws Exception {
    Path file = randomFile("pulled.bin", 3 * 1024 * 1024 + 17, 1);
    String root = importOn(a, file);
    long before =
        events("?follow=false", null, -1).stream()
            .mapToLong(e -> Long.parseLong(e.id()))
            .max()
            .orElse(0);
    CompletableFuture<List<SseReader.Event>> live =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return eventsUntil(
                    "?after=" + before,
                    null,
                    -1,
                    e -> data(e).get("code").asText().equals("CleanupComplete"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Path copy = dir.resolve("pulled.copy");

    FerryProcess.Result r = paidPullOnB(root, "--out", copy.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("pull complete");
    assertThat(Files.mismatch(file, copy)).isEqualTo(-1L);
    String id =
        r.out()
            .lines()
            .filter(l -> l.contains("channel "))
            .findFirst()
            .orElseThrow()
            .replaceAll(".*channel ", "")
            .strip();
    List<String> codes = new ArrayList<>();
    for (SseReader.Event e : events("?follow=false&after=" + before + "&channel=" + id, null, -1)) {
      codes.add(data(e).get("code").asText());
    }
    assertThat(codes)
        .startsWith("Open")
        .contains("Accept", "NewVoucher", "DataReceivedProgress")
        .endsWith("CleanupComplete");
    assertThat(live.get(2, TimeUnit.MINUTES))
        .extracting(e -> data(e).get("channel").asText())
        .contains(id);
    String scrape = get(b, "/metrics", b.token()).body();
    assertThat(metric(scrape, "ferry_received_bytes_total"))
        .isGreaterThanOrEqualTo(Files.size(file));
    assertThat(metric(scrape, "ferry_build_info{version=\"" + FerryCli.VERSION + "\"}"))
        .isEqualTo(1);
    assertThat(scrape)
        .contains("jvm_memory_used_bytes{area=\"heap\"}")
        .contains("process_cpu_seconds_total");
    assertThat(metric(scrape, "ferry_channels{status=\"Completed\"}")).isGreaterThanOrEqualTo(1);
    JsonNode paid = JSON.readTree(get(b, "/v1/channels/" + id + "/payments", b.token()).body());
    assertThat(paid.get("state").asText()).isEqualTo("Completed");
    assertThat(paid.get("vouchers").asLong()).isGreaterThanOrEqualTo(3);
    assertThat(paid.get("paid").asLong())
        .as("one unit per byte received, paid exactly")
        .isEqualTo(channel(b, id).get("receivedBytes").asLong());
    HttpResponse<String> atProvider = get(a, "/v1/channels/" + id + "/payments", a.token());
    assertThat(atProvider.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(atProvider.body()).get("error").asText()).isEqualTo("no-payments");
    FerryProcess.Result shown = ferry("channels", "show", id, "--home", b.home().toString());
    assertThat(shown.out()).contains("payments:").contains("paid " + paid.get("paid").asLong());
  }

  @Test
  void aPaidPullRestartedMidTransferByEitherSideCompletesAndPaysExactlyForWhatArrived()
      throws Exception {
    // A restart drops the blocks in flight. The provider counted them as sent and, at its data
    // limit, waits for their payment; the client waited for the blocks: the channel stalled for
    // good (both sides ResponderPaused) until the client paid for data lost in a restart.
    Path file = randomFile("paid-restarts.bin", 24 * 1024 * 1024, 8);
    String root = importOn(a, file);
    String id = detachedPull(root);

    awaitReceived(id, 2L << 20);
    FerryProcess.Result byResponder =
        ferry("channels", "restart", id, "--home", a.home().toString());
    awaitReceived(id, 6L << 20);
    HttpResponse<String> byInitiator =
        http.send(
            HttpRequest.newBuilder(URI.create(b.api() + "/v1/channels/" + id + "/restart"))
                .header("Authorization", "Bearer " + b.token())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(byResponder.exit()).as(byResponder.err()).isZero();
    assertThat(byResponder.out()).contains("restarted: the other side answered");
    assertThat(byInitiator.statusCode()).as(byInitiator.body()).isEqualTo(200);
    assertThat(JSON.readTree(byInitiator.body()).at("/restart/outcome").asText())
        .isEqualTo("restarted");
    assertThat(waitForStatus(b, id, "Completed", "Failed", "Cancelled")).isEqualTo("Completed");
    assertThat(waitForStatus(a, id, "Completed", "Failed", "Cancelled")).isEqualTo("Completed");
    assertThat(get(b, "/v1/events?follow=false&channel=" + id, b.token()).body())
        .contains("\"code\":\"Restart\"");
    JsonNode paid = JSON.readTree(get(b, "/v1/channels/" + id + "/payments", b.token()).body());
    assertThat(paid.get("paid").asLong())
        .as("paid exactly once for every byte: %s", paid)
        .isEqualTo(channel(b, id).get("receivedBytes").asLong())
        .isEqualTo(channel(a, id).get("sentBytes").asLong());
    Path copy = dir.resolve("paid-restarts.copy");
    assertThat(ferry("export", "--home", b.home().toString(), root, copy.toString()).exit())
        .isZero();
    assertThat(Files.mismatch(file, copy)).isEqualTo(-1L);
  }

  private void awaitReceived(String id, long bytes) {
    Poll.until(
        Duration.ofSeconds(60),
        "channel " + id + " to receive " + bytes + " bytes",
        () -> {
          try {
            return channel(b, id).get("receivedBytes").asLong() >= bytes;
          } catch (Exception e) {
            return false;
          }
        });
  }

  @Test
  void aPullWithoutAVoucherFromADefaultNodeArrivesForFree() throws Exception {
    // B runs with the default ferry.validators.free = auto: it sells nothing, so pulls are free.
    Path file = randomFile("free.bin", 1024 * 1024 + 3, 11);
    String root = importOn(b, file);
    Path copy = dir.resolve("free.copy");

    FerryProcess.Result r =
        ferry("pull", "--home", a.home().toString(), "--from", bAddress, root, "--out", "" + copy);

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("pull complete");
    assertThat(Files.mismatch(file, copy)).isEqualTo(-1L);
  }

  @Test
  void aPullWithoutAVoucherFromASellingNodeFailsNamingTheVoucherTypesItAccepts() throws Exception {
    Path file = randomFile("not-free.bin", 4096, 12);
    String root = importOn(a, file);

    FerryProcess.Result r =
        ferry("pull", "--home", b.home().toString(), "--from", aAddress, root, "--out", "" + dir);

    assertThat(r.exit()).isNotZero();
    assertThat(r.out() + r.err())
        .contains("a voucher is required")
        .contains(PROPOSAL)
        .contains("ferry-example/allowlist/1")
        .doesNotContain("cannot encode null");
  }

  @Test
  void aRequestWithoutTheRightTokenIsRefused() throws Exception {
    assertThat(get(b, "/healthz", null).statusCode()).isEqualTo(200);
    HttpResponse<String> none = get(b, "/v1/channels", null);
    HttpResponse<String> wrong = get(b, "/v1/channels", "not-the-token");

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(none.body()).get("error").asText()).isEqualTo("unauthorized");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(get(b, "/v1/channels", b.token()).statusCode()).isEqualTo(200);
  }

  @Test
  void aPushWithAnAllowlistedTokenArrivesAndExportsIdentically() throws Exception {
    Path file = randomFile("pushed.bin", 1024 * 1024 + 5, 2);
    String root = importOn(a, file);

    FerryProcess.Result r = allowlistedPushFromA(root, "{\"token\":\"e2e-token\"}");
    Path copy = dir.resolve("pushed.copy");
    FerryProcess.Result exported =
        ferry("export", "--home", b.home().toString(), root, copy.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(exported.exit()).as(exported.err()).isZero();
    assertThat(Files.mismatch(file, copy)).isEqualTo(-1L);
  }

  @Test
  void aPushWithAnUnknownTokenFailsWithTheValidatorsReason() throws Exception {
    Path file = randomFile("refused.bin", 4096, 3);
    String root = importOn(a, file);

    FerryProcess.Result r = allowlistedPushFromA(root, "{\"token\":\"wrong\"}");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("not on the allowlist");
  }

  @Test
  void aPaidPullIsPausedAndResumedThroughTheCliAndStillCompletes() throws Exception {
    // 48 MiB at A's 4 MiB/s upload: about 12 s, so that the pause (a CLI JVM start, seconds on a
    // busy machine) comes while the pull moves. 12 MiB once completed before it (CI, load ~4).
    Path file = randomFile("steered.bin", 48 * 1024 * 1024, 4);
    String root = importOn(a, file);
    String id = detachedPull(root);
    waitForStatus(b, id, "Ongoing", "ResponderPaused");

    FerryProcess.Result paused =
        ferry("channels", "pause", id, "--home", b.home().toString(), "--json");
    assertThat(paused.exit()).as(paused.err()).isZero();
    assertThat(JSON.readTree(paused.out()).get("initiatorPaused").asBoolean()).isTrue();
    FerryProcess.Result resumed =
        ferry("channels", "resume", id, "--home", b.home().toString(), "--json");
    assertThat(resumed.exit()).as(resumed.err()).isZero();
    assertThat(JSON.readTree(resumed.out()).get("initiatorPaused").asBoolean()).isFalse();

    assertThat(waitForStatus(b, id, "Completed", "Failed", "Cancelled")).isEqualTo("Completed");
    assertThat(channel(b, id).get("receivedBytes").asLong())
        .isGreaterThanOrEqualTo(Files.size(file));
    Path copy = dir.resolve("steered.copy");
    assertThat(ferry("export", "--home", b.home().toString(), root, copy.toString()).exit())
        .isZero();
    assertThat(Files.mismatch(file, copy)).isEqualTo(-1L);
  }

  @Test
  void aPushWhoseReceiverRestartsMidTransferIsRestartedThroughTheCliAndArrivesWhole()
      throws Exception {
    Path file = randomFile("restarted.bin", 12 * 1024 * 1024, 7);
    String root = importOn(a, file);
    FerryProcess.Result opened =
        allowlistedPushFromA(root, "{\"token\":\"e2e-token\"}", "--detach");
    assertThat(opened.exit()).as(opened.err()).isZero();
    String id = opened.lastLine();
    Poll.until(
        Duration.ofSeconds(60),
        "some of channel " + id + " to be sent",
        () -> {
          try {
            return channel(a, id).get("sentBytes").asLong() > 0;
          } catch (Exception e) {
            return false;
          }
        });

    b.stop();
    b.start();
    FerryProcess.Result restarted = ferry("channels", "restart", id, "--home", a.home().toString());

    // The channel also restarts by itself once B is back; it may even finish before the CLI asks.
    if (restarted.exit() != 0) {
      assertThat(restarted.err()).contains("is Completed: a channel that has ended cannot restart");
    } else {
      assertThat(restarted.out()).containsPattern("restarted|already restarting|pending");
    }
    String ended;
    try {
      ended = waitForStatus(a, id, "Completed", "Failed", "Cancelled");
    } catch (AssertionError stuck) {
      throw new AssertionError(stuck.getMessage() + "\n" + whyNotCompleted(id), stuck);
    }
    assertThat(ended).as(() -> whyNotCompleted(id)).isEqualTo("Completed");
    String history = get(a, "/v1/events?follow=false&channel=" + id, a.token()).body();
    assertThat(history).contains("\"code\":\"Restart\"");
    Path copy = dir.resolve("restarted.copy");
    assertThat(ferry("export", "--home", b.home().toString(), root, copy.toString()).exit())
        .isZero();
    assertThat(Files.mismatch(file, copy)).isEqualTo(-1L);
  }

  @Test
  void aCancelledChannelEndsCancelledOnBothSidesAndCanBePurged() throws Exception {
    // Large enough that the paid pull (payment due every MiB) is still moving when the CLI's
    // cancel arrives: at 12 MiB a fast run completed first (CI, 2026-12-06).
    Path file = randomFile("cancelled.bin", 32 * 1024 * 1024, 5);
    String root = importOn(a, file);
    String id = detachedPull(root);
    waitForStatus(b, id, "Ongoing", "ResponderPaused");

    FerryProcess.Result cancelled = ferry("channels", "cancel", id, "--home", b.home().toString());

    assertThat(cancelled.exit()).as(cancelled.err()).isZero();
    assertThat(waitForStatus(b, id, "Cancelled")).isEqualTo("Cancelled");
    assertThat(waitForStatus(a, id, "Cancelled")).isEqualTo("Cancelled");
    double cancelledBefore = cancelledGauge(b);
    FerryProcess.Result purged = ferry("channels", "purge", id, "--home", b.home().toString());
    assertThat(purged.exit()).as(purged.err()).isZero();
    assertThat(purged.out()).contains("purged " + id);
    assertThat(cancelledGauge(b))
        .as("ferry_channels{status=\"Cancelled\"} after the purge")
        .isEqualTo(cancelledBefore - 1);
    FerryProcess.Result again = ferry("channels", "purge", id, "--home", b.home().toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("ferry channels purge: ");
    assertThat(get(b, "/v1/channels/" + id, b.token()).statusCode()).isEqualTo(404);

    // The purge settles: the journal drops the channel's tag copies and the read model saves a
    // checkpoint without it, and the purged-channels file, which hid it meanwhile, lets it go.
    // The node still knows nothing of the channel.
    Path purgedFile = b.home().resolve("purged-channels");
    Poll.until(
        Duration.ofSeconds(60),
        "the purge of " + id + " to settle",
        () -> {
          try {
            return !Files.readString(purgedFile).contains(id);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    assertThat(get(b, "/v1/channels/" + id, b.token()).statusCode()).isEqualTo(404);
    assertThat(get(b, "/v1/channels", b.token()).body()).doesNotContain(id);
    assertThat(get(b, "/v1/events?follow=false&channel=" + id, b.token()).body())
        .doesNotContain(id);
  }

  /** The node's {@code ferry_channels{status="Cancelled"}} gauge. */
  private double cancelledGauge(NodeProcess node) throws Exception {
    String metrics = get(node, "/metrics", node.token()).body();
    return metrics
        .lines()
        .filter(l -> l.startsWith("ferry_channels{status=\"Cancelled\"}"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(0);
  }

  @Test
  void anSseClientThatDisconnectsAndResumesGetsEveryEventExactlyOnce() throws Exception {
    Path file = randomFile("sse.bin", 1024 * 1024, 6);
    String root = importOn(a, file);
    assertThat(paidPullOnB(root).exit()).isZero();
    List<SseReader.Event> all = events("?follow=false", null, -1);
    assertThat(all.size()).isGreaterThan(10);

    List<SseReader.Event> first = events("", null, 5);
    List<SseReader.Event> rest = events("?follow=false", first.get(4).id(), -1);

    List<String> seen = new ArrayList<>();
    first.forEach(e -> seen.add(e.id() + " " + e.data()));
    rest.forEach(e -> seen.add(e.id() + " " + e.data()));
    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen.subList(0, all.size()))
        .containsExactlyElementsOf(all.stream().map(e -> e.id() + " " + e.data()).toList());
  }
}
