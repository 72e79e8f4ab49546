package io.ferry.bench.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.cli.ApiClient;
import io.ferry.cli.demo.ChildNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Many one-block channels opened at once: {@code n} distinct 1 KiB files imported on the provider
 * (each its own one-block DAG), then {@code n} free pulls opened through the client's API from 16
 * threads; timed from the first call until every channel is {@code Completed}, with the CPU both
 * nodes spent. The bench runs it in rounds on the same pair, each with new data: the first round
 * shows nodes whose JIT is still compiling the channels' code, the last the nodes warm. Meanwhile
 * each node's used heap is sampled (its {@code /metrics}, every 200 ms) and the peak printed. The
 * provider admits them all ({@link #PROVIDER_LIMITS}): by default it refuses a 33rd open channel
 * from one peer and sends on 6 channels per peer at once, bounds meant to keep one peer from taking
 * a node over.
 */
final class SmallChannels {
  /** The provider's admission limits for this case (one peer opening thousands of channels). */
  static final String PROVIDER_LIMITS =
      "ferry.limits { open-channels-per-peer = 20000, open-channels-total = 20000,"
          + " channels-per-peer = 64, channels-total = 64 }\n";

  private final Path dir;
  private final ChildNode provider;
  private final ChildNode client;
  private final Table table;

  SmallChannels(Path dir, ChildNode provider, ChildNode client, Table table) {
    this.dir = dir;
    this.provider = provider;
    this.client = client;
    this.table = table;
  }

  /** Round {@code round} of {@code rounds} (each imports new data: no block is held already). */
  void run(int n, int round, int rounds) throws Exception {
    Path small = Files.createDirectories(dir.resolve("small-" + round));
    List<String> roots = new ArrayList<>();
    ApiClient providerApi = provider.api();
    for (int i = 0; i < n; i++) {
      Path f = small.resolve("s" + i);
      byte[] data = new byte[1024];
      new java.util.Random((long) round * n + i).nextBytes(data);
      Files.write(f, data);
      ObjectNode body = ApiClient.json().createObjectNode().put("path", f.toString());
      roots.add(providerApi.post("/v1/blocks/import", body).get("root").asText());
    }
    String from = provider.peerAddress();
    ApiClient api = client.api();
    AtomicBoolean sampling = new AtomicBoolean(true);
    AtomicLong providerPeak = new AtomicLong();
    AtomicLong clientPeak = new AtomicLong();
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                providerPeak.accumulateAndGet(heapInUse(provider), Math::max);
                clientPeak.accumulateAndGet(heapInUse(client), Math::max);
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.start();
    ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    List<Runnable> opens = new ArrayList<>();
    for (String root : roots) {
      opens.add(
          () -> {
            ObjectNode body = ApiClient.json().createObjectNode();
            body.put("from", from).put("root", root);
            body.putObject("voucher")
                .put("type", "ferry/paid-retrieval/proposal/1")
                .putObject("value")
                .putObject("terms")
                .put("pricePerByte", 0)
                .put("paymentInterval", 16 << 20)
                .put("paymentIntervalIncrease", 16 << 20)
                .put("unsealPrice", 0);
            ids.add(api.post("/v1/channels/pull", body).get("id").asText());
          });
    }
    EventLatency events = new EventLatency(api);
    String suffix =
        rounds == 1
            ? ""
            : round == 1
                ? String.format(Locale.ROOT, ", round 1 of %d", rounds)
                : String.format(
                    Locale.ROOT,
                    ", round %d of %d (after %,d channels)",
                    round,
                    rounds,
                    (long) (round - 1) * n);
    Recording recording =
        Recording.start("small-channels" + (rounds == 1 ? "" : "-" + round), provider, client);
    long cpu0 = ProductBench.cpuNanos(provider, client);
    long t0 = System.nanoTime();
    ProductBench.all(16, opens);
    int failed = 0;
    for (String id : ids) {
      if (!ProductBench.awaitEnd(api, id).equals("Completed")) {
        failed++;
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpuMillisPerChannel = (ProductBench.cpuNanos(provider, client) - cpu0) / 1e6 / n;
    recording.stop();
    events.close();
    sampling.set(false);
    sampler.join();
    // The first and the last round go in the table; the rounds between them are printed.
    boolean inTable = round == 1 || round == rounds;
    BiConsumer<String, String> row =
        inTable ? table::row : (name, result) -> System.out.println("  " + name + ": " + result);
    row.accept(
        String.format(Locale.ROOT, "%,d one-block channels at once%s", n, suffix),
        String.format(
            Locale.ROOT,
            "%.0f channels/s (%.1f s%s; CPU %.1f ms per channel, both nodes); peak heap"
                + " provider %d MiB, client %d MiB",
            n / seconds,
            seconds,
            failed == 0 ? "" : ", " + failed + " not Completed",
            cpuMillisPerChannel,
            providerPeak.get() >> 20,
            clientPeak.get() >> 20));
    row.accept(
        String.format(
            Locale.ROOT, "SSE latency on the client during the %,d channels%s", n, suffix),
        events.summary());
  }

  /**
   * The heap a node uses now, from its own {@code /metrics} ({@code jvm_memory_used_bytes} of the
   * heap), or 0. Sampled every 200 ms while the channels run: the {@code jstat} this sampled before
   * is a JVM of its own, ~0.25 s of CPU per call (2026-12-07), started twice per round on the two
   * cores the nodes share.
   */
  static long heapInUse(ChildNode node) {
    try {
      String text = node.getText("/metrics").body();
      for (String line : text.lines().toList()) {
        if (line.startsWith("jvm_memory_used_bytes{") && line.contains("\"heap\"")) {
          return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    } catch (IOException | RuntimeException e) {
      // a sample missed: the peak is the highest of the others
    }
    return 0;
  }

  /** The used heap of a JVM, from {@code jstat -gc} (survivors, eden and old used), or 0. */
  static long usedHeap(long pid) {
    try {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jstat").toString(),
                  "-gc",
                  Long.toString(pid))
              .redirectErrorStream(true)
              .start();
      List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
      p.waitFor();
      if (lines.size() < 2) {
        return 0;
      }
      String[] head = lines.get(0).trim().split("\\s+");
      String[] values = lines.get(1).trim().split("\\s+");
      double kib = 0;
      for (int i = 0; i < head.length && i < values.length; i++) {
        if (List.of("S0U", "S1U", "EU", "OU").contains(head[i])) {
          kib += Double.parseDouble(values[i]);
        }
      }
      return (long) (kib * 1024);
    } catch (IOException | RuntimeException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
