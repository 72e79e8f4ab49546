package io.ferry.cli.e2e;

import static io.ferry.cli.e2e.FerryProcess.ferry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.testing.Poll;
import io.ferry.cli.ApiClient;
import io.ferry.cli.demo.Demo;
import io.ferry.ipld.unixfs.BlockSink;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
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
 * retrievals, with a heap of 128 MiB and {@code ferry.limits.memory = 16 MiB} (8 MiB for channels
 * beside the receive credit), and clients that pull and never pay. Their pulls wait for payment on
 * the provider, each charged what it holds there: 20 KiB for its state and its sender's pages of
 * CIDs (issue 17: before, a fixed 512 KiB each, so 8 of them filled a budget of 24 MiB).
 *
 * <p>With every address allowed the whole budget, the waiting channels fill it until the next
 * request is refused saying so, {@code /readyz} says why with 503, and the node stays up; far more
 * of them fit than the fixed charge let in. With the default share per address (25%: 2 MiB), a
 * client dialing from 127.0.0.2 fills only its address's share, and a paying client on 127.0.0.1
 * still gets its pulls through.
 */
class MemoryBudgetProcessTest {
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final long OPEN = 20 << 10;
  private static final long BUDGET = 16L << 20;

  /** The most unpaid pulls a test opens before it expects a refusal. */
  private static final int MOST = 600;

  /** The size of each file pulled, and the payment interval, smaller. */
  private static final long FILE = 4096;

  private static final long INTERVAL = 1024;

  @TempDir Path dir;

  @Test
  @Timeout(900)
  void unpaidPullsFillTheMemoryBudgetAndTheNextIsRefusedWhileTheNodeStaysUp() throws Exception {
    Path providerConf = providerConf("ferry.limits.memory-per-address = 100%");
    Path clientConf = dir.resolve("client.conf");
    Files.writeString(clientConf, "ferry.payments.budget = 0\n");
    List<String> roots = files();

    try (NodeProcess provider =
            new NodeProcess(
                    dir.resolve("provider"), providerConf, List.of("-Xmx128m", "-XX:+UseSerialGC"))
                .start();
        NodeProcess client = new NodeProcess(dir.resolve("client"), clientConf).start()) {
      importInto(provider, dir.resolve("files"));
      ApiClient api = client.client();
      String from = provider.peerAddress();

      Refused refused =
          pullUnpaidUntilRefused(
              api,
              from,
              roots,
              waiting ->
                  assertThat(metric(provider, "ferry_memory_budget_used_bytes"))
                      .as("what %d waiting channels hold", waiting)
                      .isGreaterThanOrEqualTo(waiting * OPEN)
                      .isLessThanOrEqualTo(BUDGET));

      int waiting = refused.waiting();
      assertThat(waiting).as("more than the fixed charge let in").isGreaterThan(100);
      assertThat(refused.channel().get("message").asText())
          .contains("this node's memory budget is full: ")
          .contains("by " + waiting + " open channels")
          .contains("ferry.limits.memory")
          .contains("retry when one ends");
      HttpResponse<String> ready = readyz(provider);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body())
          .contains("\"admission\":false")
          .contains("this node's memory budget is full");
      assertThat(get(provider, "/healthz").statusCode()).isEqualTo(200);
      assertThat(metric(provider, "ferry_memory_budget_bytes")).isEqualTo(BUDGET);
      assertThat(metric(provider, "ferry_channel_requests_refused_total")).isEqualTo(1);
    }
  }

  @Test
  @Timeout(900)
  void unpaidPullsFromOneAddressFillOnlyItsShareAndAPayingPeerElsewhereGetsThrough()
      throws Exception {
    Path providerConf = providerConf("ferry.rate-limits.upload = 4 MiB");
    Path attackerConf = dir.resolve("attacker.conf");
    Files.writeString(attackerConf, "ferry.payments.budget = 0\nferry.dial-from = 127.0.0.2\n");
    Path payingConf = dir.resolve("paying.conf");
    Files.writeString(payingConf, "ferry.payments.budget = 1000000000000\n");
    List<String> roots = files();

    try (NodeProcess provider =
            new NodeProcess(
                    dir.resolve("provider"), providerConf, List.of("-Xmx128m", "-XX:+UseSerialGC"))
                .start();
        NodeProcess attacker = new NodeProcess(dir.resolve("attacker"), attackerConf).start();
        NodeProcess paying = new NodeProcess(dir.resolve("paying"), payingConf).start()) {
      importInto(provider, dir.resolve("files"));
      String from = provider.peerAddress();
      ApiClient hostile = attacker.client();

      Refused refused = pullUnpaidUntilRefused(hostile, from, roots, waiting -> {});
      int waiting = refused.waiting();
      assertThat(refused.channel().get("message").asText())
          .contains("this node's memory budget is full for 127.0.0.2: its " + waiting + " open")
          .contains("25% of the 8 MiB for channels")
          .contains("ferry.limits.memory-per-address")
          .contains("retry when one ends");
      assertThat(waiting * OPEN).isLessThanOrEqualTo(2L << 20);
      assertThat(readyz(provider).statusCode()).isEqualTo(200);

      ApiClient api = paying.client();
      List<String> paid =
          List.of(pull(api, from, roots.get(MOST - 1)), pull(api, from, roots.get(MOST - 2)));
      for (String id : paid) {
        JsonNode end =
            Poll.until(
                Duration.ofMinutes(5),
                "paid pull " + id + " to complete",
                () -> api.get("/v1/channels/" + id),
                c -> isEnding(c) || c.get("status").asText().equals("Completed"));
        assertThat(end.get("status").asText()).as(end.toString()).isEqualTo("Completed");
        assertThat(end.get("receivedBytes").asLong()).isEqualTo(FILE);
      }
      assertThat(get(provider, "/healthz").statusCode()).isEqualTo(200);
    }
  }

  /**
   * The provider's configuration: paid retrievals (price 1, 1 KiB intervals, credit per peer raised
   * so that it does not refuse first), open-channel caps raised so that the budget refuses first, a
   * 16 MiB memory budget, and {@code extra}.
   */
  private Path providerConf(String extra) throws java.io.IOException {
    Path conf = dir.resolve("provider.conf");
    Files.writeString(
        conf,
        """
        ferry.validators.settings.paid-retrieval { price-per-byte = 1,
          payment-interval = 1024, payment-interval-increase = 1024,
          credit-per-peer = 1099511627776 }
        ferry.limits.memory = 16 MiB
        ferry.limits.open-channels-per-peer = 1000
        ferry.limits.open-channels-total = 2000
        """
            + extra
            + "\n");
    return conf;
  }

  /**
   * {@link #MOST} distinct files of {@link #FILE} random bytes in one directory, to import at once;
   * their root CIDs, in order. Each is one block, larger than the payment interval: its pull waits
   * for payment, and a client holding earlier files has no part of the next.
   */
  private List<String> files() throws java.io.IOException {
    Path files = Files.createDirectories(dir.resolve("files"));
    Random random = new Random(19);
    List<String> roots = new java.util.ArrayList<>();
    for (int i = 0; i < MOST; i++) {
      byte[] data = new byte[(int) FILE];
      random.nextBytes(data);
      Files.write(files.resolve(String.format(java.util.Locale.ROOT, "%04d.bin", i)), data);
      roots.add(
          new UnixFsImporter(UnixFsProfile.forName("unixfs-v1-2025"), BlockSink.discard())
              .importFile(new java.io.ByteArrayInputStream(data))
              .root()
              .toString());
    }
    return roots;
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

  /**
   * Where an unpaid pull waits on the client: paused for a payment, or its one block sent on the
   * provider's credit and the final payment due.
   */
  private static final java.util.Set<String> WAITING_FOR_PAYMENT =
      java.util.Set.of(
          "ResponderPaused", "ResponderFinalizing", "ResponderFinalizingTransferFinished");

  /** The pull refused, and how many pulled before it wait for payment. */
  private record Refused(JsonNode channel, int waiting) {}

  /**
   * Pulls the files in order with {@code api}'s node, which never pays, each until it waits for
   * payment ({@link #WAITING_FOR_PAYMENT}; {@code waited} then hears how many wait) or ends
   * refused; fails if none is refused within {@link #MOST} pulls.
   */
  private static Refused pullUnpaidUntilRefused(
      ApiClient api, String from, List<String> roots, java.util.function.IntConsumer waited) {
    for (int waiting = 0; waiting < MOST; waiting++) {
      String id = pull(api, from, roots.get(waiting));
      JsonNode settled =
          Poll.until(
              WAIT,
              "unpaid pull " + waiting + " to wait for payment or be refused",
              () -> api.get("/v1/channels/" + id),
              c -> WAITING_FOR_PAYMENT.contains(c.get("status").asText()) || isEnding(c));
      if (isEnding(settled)) {
        return new Refused(settled, waiting);
      }
      waited.accept(waiting + 1);
    }
    throw new AssertionError("no pull refused within " + MOST);
  }

  /** A paid pull (price 1, intervals of {@link #INTERVAL}) of {@code root}; its channel's ID. */
  private static String pull(ApiClient api, String from, String root) {
    return api.post("/v1/channels/pull", Demo.paidPull(from, root, INTERVAL)).get("id").asText();
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
