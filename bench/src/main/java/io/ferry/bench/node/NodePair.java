package io.ferry.bench.node;

import io.ferry.cli.demo.ChildNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A provider and a client, each a {@code ferry node run} process with a fresh home under {@code
 * dir}, listening on free ports of 127.0.0.1, with the configuration given (HOCON) and the bench's
 * {@code -Dbench.node-conf} after it; {@code startSeconds} is how long both took to serve their
 * APIs, started together.
 */
record NodePair(ChildNode provider, ChildNode client, double startSeconds)
    implements AutoCloseable {
  static final Duration START = Duration.ofMinutes(3);
  static final List<String> JVM = jvm();
  private static final String ANY_PORT = "/ip4/127.0.0.1/tcp/0";

  /** Configuration both nodes get besides the case's own ({@code -Dbench.node-conf}). */
  static final String EXTRA_CONF = System.getProperty("bench.node-conf", "") + "\n";

  /**
   * {@code bin/ferry}'s options ({@code -Xmx2g -XX:+UseG1GC -XX:G1HeapRegionSize=8m}), then {@code
   * -Dbench.node-jvm} split at spaces (a later option wins: {@code -XX:G1HeapRegionSize=1m} gives
   * G1's default regions back for an A/B), then the environment's {@code BENCH_NODE_JVM}, split the
   * same way: {@code bench/product-bench} splits {@code BENCH_JAVA_OPTS} at spaces, so options for
   * the nodes that need more than one word (another collector: {@code -XX:-UseG1GC
   * -XX:+UseParallelGC}) go there.
   */
  private static List<String> jvm() {
    List<String> args =
        new ArrayList<>(List.of("-Xmx2g", "-XX:+UseG1GC", "-XX:G1HeapRegionSize=8m"));
    for (String extra :
        List.of(
            System.getProperty("bench.node-jvm", ""),
            java.util.Objects.requireNonNullElse(System.getenv("BENCH_NODE_JVM"), ""))) {
      if (!extra.isBlank()) {
        args.addAll(List.of(extra.strip().split("\\s+")));
      }
    }
    return List.copyOf(args);
  }

  static NodePair start(Path dir, String providerConf, String clientConf)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    ChildNode provider = node(dir, "provider", providerConf);
    ChildNode client = node(dir, "client", clientConf);
    long t0 = System.nanoTime();
    provider.start();
    client.start();
    provider.awaitApi(START);
    client.awaitApi(START);
    return new NodePair(provider, client, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Snapshots of other channels each node's home holds before its first start ({@code
   * -Dbench.snapshot-files=N}): files as Pekko's local snapshot store names them, which is what a
   * node that kept N long transfers had in {@code snapshots/} (two per channel, 4 KiB each).
   */
  static final int SNAPSHOT_FILES = Integer.getInteger("bench.snapshot-files", 0);

  /** A node named {@code name} with its home and configuration file under {@code dir}. */
  static ChildNode node(Path dir, String name, String conf) throws IOException {
    Path file = dir.resolve(name + ".conf");
    Files.writeString(file, conf + "\n" + EXTRA_CONF);
    return new ChildNode(name, home(dir, name), file, ANY_PORT, JVM);
  }

  /**
   * The home of the node {@code name} under {@code dir}; a fresh one gets the {@link
   * #SNAPSHOT_FILES}.
   */
  static Path home(Path dir, String name) throws IOException {
    Path home = dir.resolve(name);
    if (SNAPSHOT_FILES > 0 && !Files.exists(home)) {
      writeSnapshotFiles(home.resolve("snapshots"), SNAPSHOT_FILES);
    }
    return home;
  }

  private static void writeSnapshotFiles(Path dir, int n) throws IOException {
    Files.createDirectories(dir);
    byte[] content = new byte[4096];
    new java.util.Random(n).nextBytes(content);
    long now = System.currentTimeMillis();
    for (int i = 0; i < n; i++) {
      String id =
          "ferry-channel|12D3KooWF3eDzbSZ1bnAkbF6rA1YWRmbJzEK3gh3LB5dfEt4r6yn-"
              + "12D3KooWEi4bL1fXcn3NxtWnudC5UHB8Cb1M8tXx6yWsKYzcqrKP-"
              + (1_796_000_000_000_000_000L + i / 2);
      String name =
          "snapshot-"
              + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8)
              + "-"
              + (100 * (1 + i % 2))
              + "-"
              + (now + i);
      Files.write(dir.resolve(name), content);
    }
  }

  @Override
  public void close() throws InterruptedException {
    ChildNode.stopAll(provider, client);
  }
}
