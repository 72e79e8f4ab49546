package io.ferry.bench.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.cli.ApiClient;
import io.ferry.cli.demo.ChildNode;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.car.CarWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Many pulls of distinct one-block DAGs that a rate limit keeps open: the blocks go to the provider
 * in one CAR import (one API call however many), the pulls are opened through the client's API from
 * 16 threads, with no voucher (the provider takes free pulls).
 */
final class SlowPulls {
  private SlowPulls() {}

  /**
   * Admission limits that let one peer hold {@code n} channels open and sending at once. The cases
   * are one client on one address by design, so that address may hold the whole memory budget
   * ({@code memory-per-address = 100%}): at the default 25%, 10,000 channels of about 20 KiB each
   * (196 MiB) exceed one address's 192 MiB of a 2 GiB node's 768 MiB for channels.
   */
  static String limits(int n) {
    int m = Math.max(64, n + 100);
    return "ferry.limits { open-channels-per-peer = "
        + m
        + ", open-channels-total = "
        + m
        + ", channels-per-peer = "
        + m
        + ", channels-total = "
        + m
        + ", memory-per-address = 100% }\nferry.validators.free = pulls-and-pushes\n";
  }

  /** Imports {@code n} distinct raw blocks of {@code size} bytes on {@code node}; their CIDs. */
  static List<Cid> importBlocks(ChildNode node, Path dir, int n, int size, long seed)
      throws IOException {
    List<Block> blocks = new ArrayList<>(n);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      byte[] data = new byte[size];
      for (int j = 0; j < size; j++) {
        data[j] = (byte) random.nextInt();
      }
      blocks.add(Block.of(Multicodec.RAW, data));
    }
    Path car = dir.resolve("slow-" + seed + ".car");
    try (OutputStream out = Files.newOutputStream(car);
        CarWriter writer = new CarWriter(out, List.of(blocks.get(0).cid()))) {
      for (Block b : blocks) {
        writer.write(b);
      }
    }
    ObjectNode body =
        ApiClient.json().createObjectNode().put("path", car.toString()).put("format", "car");
    node.api().post("/v1/blocks/import", body);
    Files.delete(car);
    return blocks.stream().map(Block::cid).toList();
  }

  /** Opens a pull of each root from {@code provider} on {@code client}; the channel ids. */
  static List<String> open(ChildNode client, ChildNode provider, List<Cid> roots)
      throws IOException {
    String from = provider.peerAddress();
    ApiClient api = client.api();
    ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    List<Runnable> opens = new ArrayList<>();
    for (Cid root : roots) {
      opens.add(
          () -> {
            ObjectNode body = ApiClient.json().createObjectNode();
            body.put("from", from).put("root", root.toString());
            ids.add(api.post("/v1/channels/pull", body).get("id").asText());
          });
    }
    ProductBench.all(16, opens);
    return new ArrayList<>(ids);
  }

  /** How many of the node's channels are in each status (one {@code GET /v1/channels}). */
  static Map<String, Integer> statuses(ChildNode node) throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    for (JsonNode c : node.api().get("/v1/channels")) {
      counts.merge(c.get("status").asText(), 1, Integer::sum);
    }
    return counts;
  }

  /** The node's heap in use after a full collection ({@code jcmd GC.run}, then jstat). */
  static long liveHeap(ChildNode node) throws IOException, InterruptedException {
    Process gc =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(node.pid()),
                "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    gc.waitFor();
    return SmallChannels.usedHeap(node.pid());
  }
}
