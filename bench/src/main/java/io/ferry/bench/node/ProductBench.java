package io.ferry.bench.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.bench.transport.TransportBench;
import io.ferry.cli.ApiClient;
import io.ferry.cli.demo.ChildNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The product as a user runs it: two {@code ferry node run} processes with fresh homes on
 * 127.0.0.1, data imported into the provider's LevelDB block store, every transfer opened through
 * the client's HTTP API and timed from the call until the channel is {@code Completed}, journal and
 * validators on (the provider sells paid retrievals at price 0, so free pulls carry a proposal too;
 * both take free pushes). In the same run: the JDK TLS 1.3 + SHA-256 and plain socket baselines.
 * Prints one table.
 *
 * <p>{@code ProductBench [MiB per transfer, default 1024] [GiB moved before the warm cases, default
 * 4] [one-block channels at once, default 1000] [work directory]}. The scale cases take their sizes
 * from {@code -Dbench.slow-channels} (10,000), {@code -Dbench.restart.terminal} (100,000) and
 * {@code -Dbench.restart.active} (1,000); {@code -Dbench.only} runs only the cases it names. The
 * {@code cluster} case (a three-member cluster on the shared PostgreSQL, {@link ClusterCase}) runs
 * only when named there.
 */
public final class ProductBench {
  private static final long MIB = 1 << 20;
  private static final Duration START = Duration.ofMinutes(3);

  /** Configuration both nodes get besides the bench's own ({@code -Dbench.node-conf}). */
  private static final String EXTRA_CONF = System.getProperty("bench.node-conf", "") + "\n";

  /**
   * How many times the paid pulls (1 MiB, then 16 MiB intervals) run ({@code -Dbench.paid.rounds},
   * 1): the first paid pull of a pair also compiles the payment path.
   */
  private static final int PAID_ROUNDS = Integer.getInteger("bench.paid.rounds", 1);

  /**
   * Both nodes answer the API's import of a whole file (1 GiB, one synchronous call) however long
   * it takes: at load average 20-40 it took more than the 30 s default and the bench ended there.
   */
  private static final String API_CONF = "ferry.api.request-timeout = 10m\n";

  private final Path dir;
  private final long sizeMiB;
  private final Table table = new Table();
  private ChildNode provider;
  private ChildNode client;
  private int files;

  private ProductBench(Path dir, long sizeMiB) {
    this.dir = dir;
    this.sizeMiB = sizeMiB;
  }

  public static void main(String[] args) throws Exception {
    long sizeMiB = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    long warmGiB = args.length > 1 ? Long.parseLong(args[1]) : 4;
    int channels = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    Path dir =
        args.length > 3
            ? Files.createDirectories(Path.of(args[3]))
            : Files.createTempDirectory("ferry-product-bench");
    ProductBench bench = new ProductBench(dir, sizeMiB);
    try {
      bench.run(warmGiB, channels);
    } finally {
      ChildNode.stopAll(bench.provider, bench.client);
    }
    System.exit(0);
  }

  private void run(long warmGiB, int channels) throws Exception {
    table.note("load average at start: " + Load.now());
    if (runs("baselines")) {
      TransportBench.Baseline tls = TransportBench.socketBaseline(true, sizeMiB);
      table.baseline("JDK TLS 1.3 + SHA-256 socket", sizeMiB, tls);
      table.baseline(
          "plain socket + SHA-256", sizeMiB, TransportBench.socketBaseline(false, sizeMiB));
      table.setReference(tls);
    }
    if (runs("pulls") || runs("paid") || runs("push") || (channels > 0 && runs("small-channels"))) {
      startNodes();
    }
    if (runs("pulls")) {
      pulls(warmGiB);
    }
    if (runs("paid")) {
      for (int round = 1; round <= PAID_ROUNDS; round++) {
        for (int interval : new int[] {1, 16}) {
          String root = importOnProvider(randomFile());
          String name = "paid-" + interval + (round == 1 ? "" : "-" + round);
          Recording paid = Recording.start(name, provider, client);
          table.transfer(
              String.format(
                  Locale.ROOT,
                  "paid pull (price 1, interval %d MiB + %d MiB), warm%s",
                  interval,
                  interval,
                  round == 1 ? "" : ", round " + round + " (after " + (round - 1) + " of each)"),
              pull(root, interval));
          paid.stop();
        }
      }
    }
    if (runs("push")) {
      String pushed = importOn(client, randomFile());
      Recording push = Recording.start("push", provider, client);
      table.transfer("free push, warm (client to provider)", push(pushed));
      push.stop();
    }
    if (channels > 0 && runs("small-channels")) {
      // The case runs in rounds on the same pair (-Dbench.small-channels.rounds, 5), each with new
      // data: the first shows the JIT still compiling the channels' code, the last warm nodes.
      int rounds = Integer.getInteger("bench.small-channels.rounds", 5);
      SmallChannels small = new SmallChannels(dir, provider, client, table);
      for (int round = 1; round <= rounds; round++) {
        small.run(channels, round, rounds);
      }
    }
    ChildNode.stopAll(provider, client);
    if (List.of(System.getProperty("bench.only", "").split(",")).contains("cluster")) {
      new ClusterCase(dir, table, sizeMiB).run();
    }
    int slow = Integer.getInteger("bench.slow-channels", 10_000);
    if (slow > 0 && runs("slow-channels")) {
      new SlowChannels(dir, table).run(slow);
    }
    int terminal = Integer.getInteger("bench.restart.terminal", 100_000);
    int active = Integer.getInteger("bench.restart.active", 1_000);
    if (runs("restart")) {
      new RestartCase(dir, table).run(terminal, active);
    }
    table.note("load average at end: " + Load.now());
    table.print();
  }

  /** The free pulls: a fresh pair's first, warm-up pulls, then a warm pair's. */
  private void pulls(long warmGiB) throws Exception {
    String first = importOnProvider(randomFile());
    Recording fresh = Recording.start("fresh-pull", provider, client);
    table.transfer("free pull, fresh pair (first transfer)", pull(first, 0));
    fresh.stop();
    long moved = sizeMiB * MIB;
    while (moved < warmGiB << 30) {
      String root = importOnProvider(randomFile());
      Timed t = pull(root, 0);
      System.out.printf(
          Locale.ROOT,
          "  warm-up pull: %.0f MB/s, CPU %.1f s per GiB%n",
          t.megabytesPerSecond(),
          t.cpuSecondsPerGiB());
      moved += sizeMiB * MIB;
    }
    String label = "after " + (moved >> 30) + " GiB";
    String warmRoot = importOnProvider(randomFile());
    Recording warm = Recording.start("warm-pull", provider, client);
    table.transfer("free pull, warm pair (" + label + ")", pull(warmRoot, 0));
    warm.stop();
  }

  /**
   * Whether the case runs: named by {@code -Dbench.only} (a comma-separated list of baselines,
   * pulls, paid, push, small-channels, slow-channels, restart) when that is set, else not named by
   * {@code -Dbench.skip}.
   */
  private static boolean runs(String name) {
    String only = System.getProperty("bench.only", "");
    if (!only.isBlank()) {
      return List.of(only.split(",")).contains(name);
    }
    return !skipped(name);
  }

  /** Whether {@code -Dbench.skip} (a comma-separated list) names the case. */
  private static boolean skipped(String name) {
    return List.of(System.getProperty("bench.skip", "").split(",")).contains(name);
  }

  private void startNodes() throws IOException, InterruptedException {
    Path providerConf = dir.resolve("provider.conf");
    Files.writeString(
        providerConf,
        "ferry.validators.settings.paid-retrieval { price-per-byte = 0,"
            + " payment-interval = 16777216, payment-interval-increase = 16777216 }\n"
            + "ferry.validators.free = pulls-and-pushes\n"
            + SmallChannels.PROVIDER_LIMITS
            + API_CONF
            + EXTRA_CONF);
    Path clientConf = dir.resolve("client.conf");
    Files.writeString(
        clientConf, "ferry.payments.budget = 1000000000000000\n" + API_CONF + EXTRA_CONF);
    String anyPort = "/ip4/127.0.0.1/tcp/0";
    provider =
        new ChildNode(
            "provider", NodePair.home(dir, "provider"), providerConf, anyPort, NodePair.JVM);
    client =
        new ChildNode("client", NodePair.home(dir, "client"), clientConf, anyPort, NodePair.JVM);
    provider.start();
    client.start();
    provider.awaitApi(START);
    client.awaitApi(START);
  }

  /** A new file of incompressible bytes, different from every other. */
  private Path randomFile() throws IOException {
    Path f = dir.resolve("file-" + files);
    SplittableRandom random = new SplittableRandom(1000 + files++);
    byte[] chunk = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(f)) {
      for (long i = 0; i < sizeMiB; i++) {
        for (int j = 0; j < chunk.length; j += 8) {
          long v = random.nextLong();
          for (int k = 0; k < 8; k++) {
            chunk[j + k] = (byte) (v >>> (8 * k));
          }
        }
        out.write(chunk);
      }
    }
    return f;
  }

  private String importOnProvider(Path file) throws IOException {
    return importOn(provider, file);
  }

  private static String importOn(ChildNode node, Path file) throws IOException {
    ObjectNode body = ApiClient.json().createObjectNode().put("path", file.toString());
    JsonNode imported = node.api().post("/v1/blocks/import", body);
    Files.delete(file);
    return imported.get("root").asText();
  }

  /**
   * Pushes {@code root} from the client to the provider, with no voucher (the provider takes free
   * pushes); timed from the API call until the client's channel is {@code Completed}.
   */
  private Timed push(String root) throws Exception {
    ObjectNode body = ApiClient.json().createObjectNode();
    body.put("to", provider.peerAddress()).put("root", root);
    ApiClient api = client.api();
    long cpu0 = cpuNanos(provider, client);
    long t0 = System.nanoTime();
    String id = api.post("/v1/channels/push", body).get("id").asText();
    String status = awaitEnd(api, id);
    long nanos = System.nanoTime() - t0;
    long cpu = cpuNanos(provider, client) - cpu0;
    if (!status.equals("Completed")) {
      throw new IllegalStateException("push " + id + " ended " + status);
    }
    long bytes = api.get("/v1/channels/" + id).get("sentBytes").asLong();
    return new Timed(bytes, nanos, cpu);
  }

  /**
   * Pulls {@code root} to the client, paid at price 1 with intervals of {@code intervalMiB} MiB
   * growing by as much, or free when 0; timed from the API call to {@code Completed}.
   */
  private Timed pull(String root, long intervalMiB) throws Exception {
    long interval = Math.max(1, intervalMiB) * MIB;
    ObjectNode body = ApiClient.json().createObjectNode();
    body.put("from", provider.peerAddress()).put("root", root);
    body.putObject("voucher")
        .put("type", "ferry/paid-retrieval/proposal/1")
        .putObject("value")
        .putObject("terms")
        .put("pricePerByte", intervalMiB == 0 ? 0 : 1)
        .put("paymentInterval", intervalMiB == 0 ? 16 * MIB : interval)
        .put("paymentIntervalIncrease", intervalMiB == 0 ? 16 * MIB : interval)
        .put("unsealPrice", 0);
    ApiClient api = client.api();
    long cpu0 = cpuNanos(provider, client);
    long t0 = System.nanoTime();
    String id = api.post("/v1/channels/pull", body).get("id").asText();
    String status = awaitEnd(api, id);
    long nanos = System.nanoTime() - t0;
    long cpu = cpuNanos(provider, client) - cpu0;
    if (!status.equals("Completed")) {
      throw new IllegalStateException("pull " + id + " ended " + status);
    }
    long bytes = api.get("/v1/channels/" + id).get("receivedBytes").asLong();
    return new Timed(bytes, nanos, cpu);
  }

  static String awaitEnd(ApiClient api, String id) throws InterruptedException {
    while (true) {
      String s = api.get("/v1/channels/" + id).get("status").asText();
      if (ended(s)) {
        return s;
      }
      Thread.sleep(20);
    }
  }

  /** Whether a channel of status {@code s} ended (in any way: it will not move again). */
  static boolean ended(String s) {
    return io.ferry.channels.Status.valueOf(s).isTerminal();
  }

  /**
   * Bytes moved in a time, and the CPU both nodes spent meanwhile ({@code cpuNanos}, -1 when not
   * measured): all their threads, the JIT's and the collector's included.
   */
  record Timed(long bytes, long nanos, long cpuNanos) {
    Timed(long bytes, long nanos) {
      this(bytes, nanos, -1);
    }

    double megabytesPerSecond() {
      return bytes / (nanos / 1e9) / 1e6;
    }

    /** CPU seconds per GiB moved, or NaN when not measured. */
    double cpuSecondsPerGiB() {
      return cpuNanos < 0 ? Double.NaN : cpuNanos / 1e9 / ((double) bytes / (1L << 30));
    }
  }

  /**
   * The CPU the nodes' processes have used so far, all threads, from {@code /proc} (the kernel
   * counts it in ticks of 10 ms).
   */
  static long cpuNanos(ChildNode... nodes) {
    long sum = 0;
    for (ChildNode n : nodes) {
      sum +=
          ProcessHandle.of(n.pid())
              .flatMap(h -> h.info().totalCpuDuration())
              .orElseThrow(() -> new IllegalStateException("no CPU time for " + n.pid()))
              .toNanos();
    }
    return sum;
  }

  /** The machine's load averages, from /proc/loadavg. */
  static final class Load {
    private Load() {}

    static String now() {
      try {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
      } catch (IOException e) {
        return "unknown";
      }
    }
  }

  /** Runs {@code n} tasks on {@code threads} threads; returns when all finished. */
  static void all(int threads, List<Runnable> tasks) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<CompletableFuture<Void>> fs = new ArrayList<>();
      for (Runnable t : tasks) {
        fs.add(CompletableFuture.runAsync(t, pool));
      }
      CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0])).join();
    } finally {
      pool.shutdown();
    }
  }
}
