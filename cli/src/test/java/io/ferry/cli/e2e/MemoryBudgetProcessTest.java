package io.ferry.cli.e2e;

import static io.ferry.cli.e2e.FerryProcess.ferry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.testing.Poll;
import io.ferry.cli.ApiClient;
import io.ferry.cli.demo.Demo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node-wide memory budget between real node processes (issue 19, 2): a provider selling
 * retrievals, with a heap of 128 MiB and {@code ferry.limits.memory = 24 MiB} (12 MiB for channels
 * beside the receive credit: room for one sending channel and 8 open channels of 512 KiB), and
 * clients that pull and never pay. Their pulls wait for payment on the provider, each holding its
 * share of the budget.
 *
 * <p>With every address allowed the whole budget, once it is full the next request is refused
 * saying so, {@code /readyz} says why with 503, and the node stays up. Without the budget the
 * open-channel caps (32 per peer) admit it (the provider's credit per peer is raised so that it
 * does not refuse first). With the default share per address (25%: 3 MiB, 6 waiting channels), a
 * client dialing from 127.0.0.2 fills only its address's share, and a paying client on 127.0.0.1
 * still gets both its pulls through: the one whose read-ahead does not fit beside the other's waits
 * {@code Queued} on the provider, saying it waits for the memory budget, and moves on by itself.
 */
class MemoryBudgetProcessTest {
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final long OPEN = 512 << 10;
  private static final int FITS = 8;

  @TempDir Path dir;

  @Test
  @Timeout(600)
  void unpaidPullsFillTheMemoryBudgetAndTheNextIsRefusedWhileTheNodeStaysUp() throws Exception {
    Path providerConf = providerConf("ferry.limits.memory-per-address = 100%");
    Path clientConf = dir.resolve("client.conf");
    Files.writeString(clientConf, "ferry.payments.budget = 0\n");
    Path file = file();

    try (NodeProcess provider =
            new NodeProcess(
                    dir.resolve("provider"), providerConf, List.of("-Xmx128m", "-XX:+UseSerialGC"))
                .start();
        NodeProcess client = new NodeProcess(dir.resolve("client"), clientConf).start()) {
      String root = importInto(provider, file);
      ApiClient api = client.client();
      String from = provider.peerAddress();

      for (int i = 1; i <= FITS; i++) {
        pullUnpaid(api, from, root, i);
        long held = i * OPEN;
        Poll.until(
            WAIT,
            "the provider's budget to hold " + i + " waiting channels and no sender",
            () -> metric(provider, "ferry_memory_budget_used_bytes"),
            used -> used == held);
      }
      assertThat(readyz(provider).statusCode()).isEqualTo(503);

      String refused = pull(api, from, root);
      JsonNode end =
          Poll.until(
              WAIT,
              "the pull over the budget to be refused",
              () -> api.get("/v1/channels/" + refused),
              c -> !c.get("status").asText().endsWith("Paused") && isEnding(c));

      assertThat(end.get("status").asText()).isIn("Failed", "Rejected", "Cancelled");
      assertThat(end.get("message").asText())
          .contains("this node's memory budget is full: ")
          .contains("by " + FITS + " open channels")
          .contains("ferry.limits.memory")
          .contains("retry when one ends");
      HttpResponse<String> ready = readyz(provider);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body())
          .contains("\"admission\":false")
          .contains("this node's memory budget is full");
      assertThat(get(provider, "/healthz").statusCode()).isEqualTo(200);
      assertThat(metric(provider, "ferry_memory_budget_bytes")).isEqualTo(24L << 20);
      assertThat(metric(provider, "ferry_channel_requests_refused_total")).isEqualTo(1);
    }
  }

  @Test
  @Timeout(600)
  void unpaidPullsFromOneAddressFillOnlyItsShareAndAPayingPeerElsewhereGetsThrough()
      throws Exception {
    Path providerConf = providerConf("ferry.rate-limits.upload = 4 MiB");
    Path attackerConf = dir.resolve("attacker.conf");
    Files.writeString(attackerConf, "ferry.payments.budget = 0\nferry.dial-from = 127.0.0.2\n");
    Path payingConf = dir.resolve("paying.conf");
    Files.writeString(payingConf, "ferry.payments.budget = 1000000000000\n");
    Path file = file();
    int share = (int) ((3L << 20) / OPEN); // 25% of the 12 MiB for channels

    try (NodeProcess provider =
            new NodeProcess(
                    dir.resolve("provider"), providerConf, List.of("-Xmx128m", "-XX:+UseSerialGC"))
                .start();
        NodeProcess attacker = new NodeProcess(dir.resolve("attacker"), attackerConf).start();
        NodeProcess paying = new NodeProcess(dir.resolve("paying"), payingConf).start()) {
      String root = importInto(provider, file);
      String from = provider.peerAddress();
      ApiClient hostile = attacker.client();

      for (int i = 1; i <= share; i++) {
        pullUnpaid(hostile, from, root, i);
      }
      String over = pull(hostile, from, root);
      JsonNode refused =
          Poll.until(
              WAIT,
              "the unpaid pull over the address's share to be refused",
              () -> hostile.get("/v1/channels/" + over),
              MemoryBudgetProcessTest::isEnding);
      assertThat(refused.get("message").asText())
          .contains("this node's memory budget is full for 127.0.0.2: its " + share + " open")
          .contains("ferry.limits.memory-per-address")
          .contains("retry when one ends");
      assertThat(readyz(provider).statusCode()).isEqualTo(200);

      ApiClient api = paying.client();
      List<String> paid = List.of(pull(api, from, root), pull(api, from, root));
      ApiClient providerApi = provider.client();
      JsonNode queued =
          Poll.until(
              WAIT,
              "one of the paying peer's pulls to wait Queued for memory on the provider",
              () -> queued(providerApi),
              c -> c != null);
      assertThat(queued.get("message").asText())
          .startsWith("queued: this node's memory budget is full: ")
          .contains("ferry.limits.memory");
      for (String id : paid) {
        JsonNode end =
            Poll.until(
                Duration.ofMinutes(5),
                "paid pull " + id + " to complete",
                () -> api.get("/v1/channels/" + id),
                c -> isEnding(c) || c.get("status").asText().equals("Completed"));
        assertThat(end.get("status").asText()).as(end.toString()).isEqualTo("Completed");
        assertThat(end.get("receivedBytes").asLong()).isGreaterThanOrEqualTo(Files.size(file));
      }
      assertThat(get(provider, "/healthz").statusCode()).isEqualTo(200);
    }
  }

  /**
   * The provider's configuration: paid retrievals (price 1, 1 MiB intervals, credit per peer raised
   * so that it does not refuse first), a 24 MiB memory budget, and {@code extra}.
   */
  private Path providerConf(String extra) throws java.io.IOException {
    Path conf = dir.resolve("provider.conf");
    Files.writeString(
        conf,
        """
        ferry.validators.settings.paid-retrieval { price-per-byte = 1,
          payment-interval = 1048576, payment-interval-increase = 1048576,
          credit-per-peer = 1099511627776 }
        ferry.limits.memory = 24 MiB
        """
            + extra
            + "\n");
    return conf;
  }

  /**
   * A file of 24 MiB of random bytes. Each unpaid pull takes the next MiB on credit (the client
   * holds what earlier ones got): 24 MiB leaves every one of them something to wait for.
   */
  private Path file() throws java.io.IOException {
    byte[] data = new byte[24 << 20];
    new Random(19).nextBytes(data);
    return Files.write(dir.resolve("file.bin"), data);
  }

  /** A channel on {@code api}'s node that shows {@code Queued} now, or null. */
  private static JsonNode queued(ApiClient api) {
    for (JsonNode c : api.get("/v1/channels")) {
      if (c.get("status").asText().equals("Queued")) {
        return c;
      }
    }
    return null;
  }

  private static boolean isEnding(JsonNode channel) {
    String s = channel.get("status").asText();
    return s.equals("Failed") || s.equals("Rejected") || s.equals("Cancelled");
  }

  /** Imports {@code file} into the provider's store; its root CID. */
  private static String importInto(NodeProcess provider, Path file) throws Exception {
    FerryProcess.Result imported =
        ferry("import", "--home", provider.home().toString(), file.toString());
    assertThat(imported.exit()).as(imported.err()).isZero();
    return imported.lastLine();
  }

  /** Pulls {@code root} with a client that does not pay, until the pull waits for payment. */
  private static void pullUnpaid(ApiClient api, String from, String root, int i) {
    String id = pull(api, from, root);
    Poll.until(
        WAIT,
        "unpaid pull " + i + " to wait for payment",
        () -> api.get("/v1/channels/" + id).get("status").asText(),
        "ResponderPaused"::equals);
  }

  /** A paid pull (price 1, 1 MiB intervals) of {@code root}; its channel's ID. */
  private static String pull(ApiClient api, String from, String root) {
    return api.post("/v1/channels/pull", Demo.paidPull(from, root, 1 << 20)).get("id").asText();
  }

  private static HttpResponse<String> readyz(NodeProcess node) {
    return get(node, "/readyz");
  }

  private static HttpResponse<String> get(NodeProcess node, String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(node.api() + path))
                  .header("Authorization", "Bearer " + node.token())
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A metric without labels from the node's {@code /metrics}. */
  private static long metric(NodeProcess node, String name) {
    return get(node, "/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(name + " "))
        .map(l -> (long) Double.parseDouble(l.substring(name.length() + 1).strip()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }
}
