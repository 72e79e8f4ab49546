package io.ferry.bench.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.cli.ApiClient;
import io.ferry.cli.demo.ChildNode;
import io.ferry.cli.demo.Demo;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The attack of issue 19, 2, between real node processes: a provider selling retrievals with {@code
 * ferry.limits.channels-total = 128} (the docs' example) and a modest heap; 11 peers with
 * throw-away identities (each a node process of its own, paying nothing, all dialing from
 * 127.0.0.2: one address, as identities cost nothing and addresses do) open 6 paid pulls each that
 * never pay; then another peer on 127.0.0.1, which pays, pulls the same file. Reports the
 * provider's heap (from its GC log: the peak before a collection, the peak after a full one, which
 * is what it really held, and after the last one), whether it logged an {@code OutOfMemoryError},
 * whether the paying pull completed and in how long, what the unpaid channels show on the provider,
 * and what {@code /readyz} and the memory budget say.
 *
 * <p>Arguments: [work directory] [provider heap, 256m] [ferry.limits.memory, 50%].
 */
public final class MemoryAttack {
  private static final int HOSTILE = 11;
  private static final java.util.Set<String> PRINTED = new java.util.HashSet<>();
  private static final String HOSTILE_ADDRESS = "127.0.0.2";
  private static final int PULLS_EACH = 6;
  private static final int FILE_MIB = 64;
  private static final long MIB = 1L << 20;
  private static final String ANY_PORT = "/ip4/127.0.0.1/tcp/0";
  private static final Duration START = Duration.ofMinutes(10);
  private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  private MemoryAttack() {}

  public static void main(String[] args) throws Exception {
    Path dir =
        args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("ferry-memory-attack");
    String heap = args.length > 1 ? args[1] : "256m";
    String budget = args.length > 2 ? args[2] : "50%";
    Files.createDirectories(dir);
    List<ChildNode> nodes = new ArrayList<>();
    try {
      run(dir, heap, budget, nodes);
    } finally {
      ChildNode.stopAll(nodes.toArray(ChildNode[]::new));
      if (args.length == 0) {
        deleteTree(dir);
      }
    }
  }

  private static void run(Path dir, String heap, String budget, List<ChildNode> nodes)
      throws Exception {
    Path gcLog = dir.resolve("provider-gc.log");
    ChildNode provider =
        node(
            dir,
            "provider",
            "ferry.validators.settings.paid-retrieval { price-per-byte = 1,"
                + " payment-interval = 1048576, payment-interval-increase = 1048576 }\n"
                + "ferry.limits.channels-total = 128\n"
                + "ferry.limits.memory = \""
                + budget
                + "\"\n",
            List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-Xlog:gc:file=" + gcLog));
    nodes.add(provider);
    List<ChildNode> hostile = new ArrayList<>();
    for (int i = 1; i <= HOSTILE; i++) {
      ChildNode h =
          node(
              dir,
              "hostile-" + i,
              "ferry.payments.budget = 0\nferry.dial-from = " + HOSTILE_ADDRESS + "\n",
              List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
      hostile.add(h);
      nodes.add(h);
    }
    ChildNode honest =
        node(
            dir,
            "honest",
            "ferry.payments.budget = 1000000000000\n",
            List.of("-Xmx512m", "-XX:+UseSerialGC"));
    nodes.add(honest);
    provider.start().awaitApi(START); // alone first: its start is not what is measured
    for (ChildNode n : nodes.subList(1, nodes.size())) {
      n.start();
    }
    for (ChildNode n : nodes) {
      n.awaitApi(START);
    }
    System.out.printf(
        Locale.ROOT,
        "%d nodes up; provider -Xmx%s, memory budget %s%n",
        nodes.size(),
        heap,
        budget);

    Path file = dir.resolve("file.bin");
    byte[] data = new byte[FILE_MIB << 20];
    new Random(19).nextBytes(data);
    Files.write(file, data);
    ObjectNode importBody = ApiClient.json().createObjectNode().put("path", file.toString());
    String root = provider.api().post("/v1/blocks/import", importBody).get("root").asText();
    Files.delete(file);
    String from = provider.peerAddress();

    AtomicLong peakHeap = new AtomicLong();
    AtomicLong peakBudget = new AtomicLong();
    Thread sampler = new Thread(() -> sample(provider, peakHeap, peakBudget), "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();

    long t0 = System.nanoTime();
    List<String[]> unpaid = new ArrayList<>(); // node index, channel id
    for (int i = 0; i < HOSTILE; i++) {
      for (int k = 0; k < PULLS_EACH; k++) {
        unpaid.add(new String[] {"" + i, pull(hostile.get(i).api(), from, root)});
      }
    }
    Map<String, Integer> clientSide = new TreeMap<>();
    for (String[] u : unpaid) {
      ApiClient api = hostile.get(Integer.parseInt(u[0])).api();
      String status = awaitSettled(api, u[1]);
      clientSide.merge(status, 1, Integer::sum);
    }
    double attackSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT, "unpaid pulls settled in %.1f s: %s%n", attackSeconds, clientSide);

    long t1 = System.nanoTime();
    String paid = pull(honest.api(), from, root);
    String honestStatus = ProductBench.awaitEnd(honest.api(), paid);
    double honestSeconds = (System.nanoTime() - t1) / 1e9;
    long received = honest.api().get("/v1/channels/" + paid).get("receivedBytes").asLong();
    System.out.printf(
        Locale.ROOT,
        "paying pull: %s, %d MiB in %.1f s%n",
        honestStatus,
        received >> 20,
        honestSeconds);

    Map<String, Integer> providerSide = new TreeMap<>();
    for (JsonNode c : provider.api().get("/v1/channels")) {
      providerSide.merge(c.get("status").asText(), 1, Integer::sum);
    }
    HttpResponse<String> ready = get(provider, "/readyz");
    sampler.interrupt();
    long[] gc = gcFigures(gcLog);
    boolean oom = provider.log().contains("OutOfMemoryError") || !provider.isAlive();

    String table =
        String.join(
            "\n",
            "| provider | figure |",
            "|---|---|",
            "| heap, budget | -Xmx" + heap + ", ferry.limits.memory = " + budget + " |",
            "| unpaid pulls (11 peers x 6 from "
                + HOSTILE_ADDRESS
                + "), client side | "
                + clientSide
                + " |",
            "| the same channels, provider side | " + providerSide + " |",
            String.format(
                Locale.ROOT,
                "| heap from the GC log | peak %d MiB before a collection, peak %d MiB after a"
                    + " full one, %d MiB after the last (%d collections) |",
                gc[0],
                gc[1],
                gc[2],
                gc[3]),
            String.format(
                Locale.ROOT, "| heap sampled from /metrics, peak | %d MiB |", peakHeap.get() >> 20),
            String.format(
                Locale.ROOT,
                "| memory budget used, peak | %.1f MiB |",
                peakBudget.get() / (double) MIB),
            "| OutOfMemoryError | " + (oom ? "yes" : "no") + " |",
            String.format(
                Locale.ROOT,
                "| paying pull of %d MiB from another peer | %s in %.1f s |",
                FILE_MIB,
                honestStatus,
                honestSeconds),
            "| /readyz | " + ready.statusCode() + " " + ready.body() + " |");
    System.out.println();
    System.out.println(table);
  }

  private static ChildNode node(Path dir, String name, String conf, List<String> jvm)
      throws IOException {
    Path file = dir.resolve(name + ".conf");
    Files.writeString(file, conf);
    return new ChildNode(name, dir.resolve(name), file, ANY_PORT, jvm);
  }

  /** A paid pull (price 1, payment due every MiB) of {@code root}; its channel's ID. */
  private static String pull(ApiClient api, String from, String root) {
    return api.post("/v1/channels/pull", Demo.paidPull(from, root, MIB)).get("id").asText();
  }

  /** Waits until an unpaid pull waits for payment (or ended: refused); its status. */
  private static String awaitSettled(ApiClient api, String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (true) {
      JsonNode c = api.get("/v1/channels/" + id);
      String s = c.get("status").asText();
      if (s.equals("ResponderPaused")
          || s.equals("Failed")
          || s.equals("Cancelled")
          || s.equals("Rejected")
          || System.nanoTime() > deadline) {
        if (!s.endsWith("Paused") && PRINTED.add(c.path("message").asText())) {
          System.out.println("  " + s + " (the first of its kind): " + c.path("message").asText());
        }
        return s;
      }
      Thread.sleep(50);
    }
  }

  private static void sample(ChildNode provider, AtomicLong peakHeap, AtomicLong peakBudget) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        for (String line : get(provider, "/metrics").body().lines().toList()) {
          if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"}")) {
            peakHeap.accumulateAndGet(value(line), Math::max);
          } else if (line.startsWith("ferry_memory_budget_used_bytes ")) {
            peakBudget.accumulateAndGet(value(line), Math::max);
          }
        }
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | IOException e) {
        // the provider is busy or gone: the table says which
      }
    }
  }

  private static long value(String line) {
    return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  private static HttpResponse<String> get(ChildNode node, String path) throws IOException {
    return node.getText(path);
  }

  /**
   * Peak MiB before a collection and after a full one (the live set), MiB after the last, and how
   * many collections.
   */
  private static long[] gcFigures(Path gcLog) throws IOException {
    long before = 0;
    long after = 0;
    long last = 0;
    long count = 0;
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = GC.matcher(line);
      if (m.find()) {
        before = Math.max(before, Long.parseLong(m.group(1)));
        last = Long.parseLong(m.group(2));
        if (line.contains("Pause Full")) {
          after = Math.max(after, last);
        }
        count++;
      }
    }
    return new long[] {before, after, last, count};
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
