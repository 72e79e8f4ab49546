package io.ferry.cli.e2e;

import static io.ferry.cli.e2e.FerryProcess.ferry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.channels.testing.Poll;
import io.ferry.cli.ApiClient;
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
 * The node-wide memory budget between two real node processes (issue 19, 2): a provider selling
 * retrievals, with a heap of 128 MiB and {@code ferry.limits.memory = 24 MiB} (12 MiB for channels
 * beside the receive credit: room for one sending channel and 8 open channels of 512 KiB), and a
 * client that pulls and never pays. Its pulls wait for payment on the provider, each holding its
 * share of the budget; once the budget is full the next request is refused saying so, {@code
 * /readyz} says why with 503, and the node stays up. Without the budget the open-channel caps (32
 * per peer) admit it (the provider's credit per peer is raised so that it does not refuse first).
 */
class MemoryBudgetProcessTest {
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final long OPEN = 512 << 10;
  private static final int FITS = 8;

  @TempDir Path dir;

  @Test
  @Timeout(600)
  void unpaidPullsFillTheMemoryBudgetAndTheNextIsRefusedWhileTheNodeStaysUp() throws Exception {
    Path providerConf = dir.resolve("provider.conf");
    Files.writeString(
        providerConf,
        """
        ferry.validators.settings.paid-retrieval { price-per-byte = 1,
          payment-interval = 1048576, payment-interval-increase = 1048576,
          credit-per-peer = 1099511627776 }
        ferry.limits.memory = 24 MiB
        """);
    Path clientConf = dir.resolve("client.conf");
    Files.writeString(clientConf, "ferry.payments.budget = 0\n");
    // Each unpaid pull takes the next MiB on credit (the client holds what earlier ones got):
    // 24 MiB leaves every one of them something to wait for.
    byte[] data = new byte[24 << 20];
    new Random(19).nextBytes(data);
    Path file = dir.resolve("file.bin");
    Files.write(file, data);

    try (NodeProcess provider =
            new NodeProcess(
                    dir.resolve("provider"), providerConf, List.of("-Xmx128m", "-XX:+UseSerialGC"))
                .start();
        NodeProcess client = new NodeProcess(dir.resolve("client"), clientConf).start()) {
      FerryProcess.Result imported =
          ferry("import", "--home", provider.home().toString(), file.toString());
      assertThat(imported.exit()).as(imported.err()).isZero();
      String root = imported.lastLine();
      ApiClient api = client.client();
      String from = provider.peerAddress();

      for (int i = 1; i <= FITS; i++) {
        String id = pull(api, from, root);
        Poll.until(
            WAIT,
            "pull " + i + " to wait for payment",
            () -> api.get("/v1/channels/" + id).get("status").asText(),
            "ResponderPaused"::equals);
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

  private static boolean isEnding(JsonNode channel) {
    String s = channel.get("status").asText();
    return s.equals("Failed") || s.equals("Rejected") || s.equals("Cancelled");
  }

  /** A paid pull (price 1, 1 MiB intervals) of {@code root}; its channel's ID. */
  private static String pull(ApiClient api, String from, String root) {
    ObjectNode body = ApiClient.json().createObjectNode();
    body.put("from", from).put("root", root);
    body.putObject("voucher")
        .put("type", "ferry/paid-retrieval/proposal/1")
        .putObject("value")
        .putObject("terms")
        .put("pricePerByte", 1)
        .put("paymentInterval", 1 << 20)
        .put("paymentIntervalIncrease", 1 << 20)
        .put("unsealPrice", 0);
    return api.post("/v1/channels/pull", body).get("id").asText();
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
