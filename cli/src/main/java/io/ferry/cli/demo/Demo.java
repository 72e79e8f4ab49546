package io.ferry.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.cli.ApiClient;
import io.ferry.cli.ApiException;
import io.ferry.cli.ProgressBar;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A paid retrieval between two fresh nodes in two child processes, from start to a verified copy:
 *
 * <ol>
 *   <li>a temporary directory with a home and a configuration for each node: the provider sells
 *       retrievals (paid retrieval, one unit per byte, paid as the data arrives, in intervals of 16
 *       MiB growing by 16 MiB), the client has a budget to pay from;
 *   <li>both nodes start ({@code ferry node run}, TCP on a free 127.0.0.1 port, the HTTP API on
 *       another);
 *   <li>a file of random bytes is generated and imported on the provider through its API;
 *   <li>the client pulls it through its API with a paid-retrieval proposal, while the events of
 *       both nodes stream in over Server-Sent Events and a progress bar follows the client's
 *       channel; the client's payer pays as the data arrives;
 *   <li>the client exports what it received, and its SHA-256 is compared with the original's;
 *   <li>a summary (bytes, time, rate, payments), then both nodes stop and the directory goes, also
 *       when the demo fails or is interrupted (a shutdown hook), unless asked to keep it.
 * </ol>
 *
 * {@link #run} returns 0 only when the copy matched the original.
 */
public final class Demo {
  /** The paid-retrieval proposal voucher type the client pulls with. */
  static final String PROPOSAL = "ferry/paid-retrieval/proposal/1";

  private static final long MIB = 1024 * 1024;

  /**
   * The payment interval, and how much longer each next one is: 16 MiB. The client pays as data
   * arrives and the provider grants the next interval once half of the last one is paid, so with
   * intervals at least twice the 8 MiB progress batch the data never stops for a payment. What it
   * costs: the provider trusts the client with up to one and a half intervals unpaid (up to 24 MiB
   * at first, more as intervals grow), and the client signs a voucher each time half an interval
   * arrived unpaid, about two per interval (64 MiB take 4 and a final one).
   */
  private static final long PAYMENT_INTERVAL = 16 * MIB;

  private static final Set<String> TERMINAL = Set.of("Completed", "Failed", "Cancelled");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /**
   * What to run.
   *
   * @param size bytes in the generated file
   * @param keep keep the temporary directory (homes, logs, files) instead of deleting it
   * @param childJvmArgs options for the two node JVMs
   * @param transferTimeout how long the pull may take
   */
  public record Options(
      long size, boolean keep, List<String> childJvmArgs, Duration transferTimeout) {
    public Options {
      if (size <= 0) {
        throw new IllegalArgumentException("--size must be positive, was " + size);
      }
      childJvmArgs = List.copyOf(childJvmArgs);
    }
  }

  private final Options options;
  private final DemoConsole console;
  private final List<EventFeed> feeds = new CopyOnWriteArrayList<>();
  private Path dir;
  private ChildNode provider;
  private ChildNode client;
  private boolean cleaned;

  private Demo(Options options, DemoConsole console) {
    this.options = options;
    this.console = console;
  }

  /**
   * Runs the demo, printing steps, events and the summary to {@code out} and the progress bar and
   * problems to {@code err}.
   *
   * @param terminal whether {@code err} is a terminal (the bar is redrawn in place)
   * @return 0 when the copy was verified, 1 otherwise
   */
  public static int run(Options options, PrintWriter out, PrintWriter err, boolean terminal) {
    Demo demo = new Demo(options, new DemoConsole(out, err, terminal));
    Thread hook = new Thread(demo::cleanUp, "ferry-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return demo.execute();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      demo.console.problem("demo interrupted");
      return 1;
    } catch (Exception e) {
      demo.console.problem("demo failed: " + describe(e));
      demo.printLogs();
      return 1;
    } finally {
      demo.cleanUp();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or ran: nothing left to do
      }
    }
  }

  private int execute() throws Exception {
    dir = Files.createTempDirectory("ferry-demo-");
    console.line("working directory " + dir);
    startNodes();

    Path original = dir.resolve("original.bin");
    String want = RandomFile.write(original, options.size());
    JsonNode imported =
        provider
            .api()
            .post(
                "/v1/blocks/import",
                ApiClient.json()
                    .createObjectNode()
                    .put("path", original.toString())
                    .put("format", "file"));
    String root = imported.get("root").asText();
    long blockBytes = imported.path("bytes").asLong();
    console.line(
        String.format(
            Locale.ROOT,
            "provider imported %s of random bytes as %s (%d blocks)",
            ProgressBar.bytes(options.size()),
            root,
            imported.path("blocks").asLong()));

    feeds.add(EventFeed.follow("provider", provider.api(), console));
    feeds.add(EventFeed.follow("client", client.api(), console));
    console.line(
        "client pulls it with a paid-retrieval voucher: 1 per byte, paid as the data arrives, the"
            + " provider extending credit for one interval of "
            + ProgressBar.bytes(PAYMENT_INTERVAL)
            + " at first, each interval "
            + ProgressBar.bytes(PAYMENT_INTERVAL)
            + " longer than the last; what that costs: about two vouchers per interval, and the"
            + " provider trusting the client with up to one and a half intervals unpaid"
            + System.lineSeparator()
            + System.lineSeparator()
            + EventFeed.header());

    JsonNode channel = client.api().post("/v1/channels/pull", pullRequest(root));
    String id = channel.get("id").asText();
    Instant started = Instant.now();
    channel = follow(client.api(), id, blockBytes);
    Duration took = Duration.between(started, Instant.now());
    for (EventFeed feed : feeds) {
      awaitQuietly(feed, id);
    }
    console.line("");

    JsonNode atProvider = provider.api().get("/v1/channels/" + id);
    String status = channel.get("status").asText();
    if (!status.equals("Completed")) {
      console.problem(
          String.format(
              "transfer did not complete: client %s (%s), provider %s (%s)",
              status,
              channel.path("message").asText(),
              atProvider.path("status").asText(),
              atProvider.path("message").asText()));
      printLogs();
      return 1;
    }
    Path copy = dir.resolve("exported.bin");
    client
        .api()
        .post(
            "/v1/export",
            ApiClient.json()
                .createObjectNode()
                .put("root", root)
                .put("path", copy.toString())
                .put("format", "file"));
    String got = RandomFile.sha256(copy);
    summary(channel, atProvider, took);
    if (!got.equals(want) || Files.size(copy) != options.size()) {
      console.problem(
          String.format(
              "NOT verified: the copy (%d bytes, sha-256 %s) differs from the original"
                  + " (%d bytes, sha-256 %s)",
              Files.size(copy), got, options.size(), want));
      return 1;
    }
    console.line(
        "verified: "
            + ProgressBar.bytes(options.size())
            + " exported by the client, sha-256 "
            + got
            + " matches the original");
    return 0;
  }

  private void startNodes() throws IOException, InterruptedException {
    Path providerConf = dir.resolve("provider.conf");
    Files.writeString(
        providerConf,
        "ferry.validators.settings.paid-retrieval {\n"
            + "  price-per-byte = 1, payment-interval = "
            + PAYMENT_INTERVAL
            + ", payment-interval-increase = "
            + PAYMENT_INTERVAL
            + "\n}\n");
    Path clientConf = dir.resolve("client.conf");
    Files.writeString(
        clientConf,
        "ferry.payments.budget = " + Math.max(1_000_000_000L, 4 * options.size()) + "\n");
    String anyPort = "/ip4/127.0.0.1/tcp/0";
    provider =
        new ChildNode(
            "provider", dir.resolve("provider"), providerConf, anyPort, options.childJvmArgs());
    client =
        new ChildNode("client", dir.resolve("client"), clientConf, anyPort, options.childJvmArgs());
    console.line("starting two nodes (two JVMs, fresh homes under " + dir + ")...");
    long t0 = System.nanoTime();
    provider.start();
    client.start();
    provider.awaitApi(START_TIMEOUT);
    client.awaitApi(START_TIMEOUT);
    console.line(
        String.format(
            Locale.ROOT, "both nodes serve after %.1f s", (System.nanoTime() - t0) / 1e9));
    for (ChildNode n : List.of(provider, client)) {
      console.line(
          String.format(
              "%-8s pid %-7d api %s  peers %s", n.name(), n.pid(), n.apiUrl(), n.peerAddress()));
    }
  }

  private ObjectNode pullRequest(String root) throws IOException {
    return paidPull(provider.peerAddress(), root, PAYMENT_INTERVAL);
  }

  /**
   * The body of {@code POST /v1/channels/pull} for a paid pull of {@code root} from {@code from} at
   * 1 per byte, with payment due every {@code interval} bytes, each next interval that much longer:
   * what the demo's client asks, and the benches and process tests that pull as it does.
   */
  public static ObjectNode paidPull(String from, String root, long interval) {
    ObjectNode body = ApiClient.json().createObjectNode();
    body.put("from", from);
    body.put("root", root);
    ObjectNode voucher = body.putObject("voucher");
    voucher.put("type", PROPOSAL);
    voucher
        .putObject("value")
        .putObject("terms")
        .put("pricePerByte", 1)
        .put("paymentInterval", interval)
        .put("paymentIntervalIncrease", interval)
        .put("unsealPrice", 0);
    return body;
  }

  /** Polls the client's channel until it ends, drawing the progress bar. */
  private JsonNode follow(ApiClient api, String id, long expected)
      throws InterruptedException, TimeoutException {
    console.startProgress("pull");
    long deadline = System.nanoTime() + options.transferTimeout().toNanos();
    try {
      while (true) {
        JsonNode c = api.get("/v1/channels/" + id);
        String status = c.get("status").asText();
        long total = c.path("totalSize").asLong() > 0 ? c.path("totalSize").asLong() : expected;
        console.progress(
            c.path("receivedBytes").asLong(),
            total,
            status + (c.path("stalled").asBoolean() ? " (stalled: waiting for the peer)" : ""));
        if (TERMINAL.contains(status)) {
          return c;
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              "the pull did not end within "
                  + options.transferTimeout().toSeconds()
                  + " s (last status "
                  + status
                  + ")");
        }
        Thread.sleep(100);
      }
    } finally {
      console.endProgress();
    }
  }

  private void summary(JsonNode atClient, JsonNode atProvider, Duration took) throws IOException {
    long received = atClient.path("receivedBytes").asLong();
    double seconds = Math.max(1, took.toMillis()) / 1000.0;
    console.line(
        String.format(
            Locale.ROOT,
            "moved %s in %d blocks in %.2f s (%s/s); provider %s, sent %s",
            ProgressBar.bytes(received),
            atClient.path("receivedBlocks").asLong(),
            seconds,
            ProgressBar.bytes((long) (received / seconds)),
            atProvider.path("status").asText(),
            ProgressBar.bytes(atProvider.path("sentBytes").asLong())));
    try {
      JsonNode p = client.api().get("/v1/channels/" + atClient.get("id").asText() + "/payments");
      console.line(
          String.format(
              Locale.ROOT,
              "payments: %d vouchers paid %d in all (acknowledged %d, spent %d); budget left %d",
              p.path("vouchers").asLong(),
              p.path("paid").asLong(),
              p.path("acknowledged").asLong(),
              p.path("spent").asLong(),
              p.at("/budget/available").asLong()));
    } catch (ApiException e) {
      console.problem("payments: the client cannot say (" + e.getMessage() + ")");
    }
  }

  private static void awaitQuietly(EventFeed feed, String id) throws InterruptedException {
    try {
      feed.ended(id).get(15, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      // the summary does not depend on the last event lines
    }
  }

  private void printLogs() {
    for (ChildNode n : new ChildNode[] {provider, client}) {
      if (n != null) {
        console.problem("--- last lines of the " + n.name() + "'s log (" + n.home() + ")");
        console.problem(n.logTail(15));
      }
    }
  }

  /** Stops the feeds and both nodes, then deletes the directory unless kept. Runs once. */
  private synchronized void cleanUp() {
    if (cleaned) {
      return;
    }
    cleaned = true;
    feeds.forEach(EventFeed::close);
    try {
      ChildNode.stopAll(client, provider);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (dir == null) {
      return;
    }
    if (options.keep()) {
      console.line("kept " + dir + " (node homes with their logs, original.bin, exported.bin)");
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
      console.line("stopped both nodes and removed " + dir);
    } catch (IOException e) {
      console.problem("could not remove " + dir + ": " + e.getMessage());
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
