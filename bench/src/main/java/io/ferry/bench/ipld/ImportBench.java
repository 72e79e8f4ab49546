package io.ferry.bench.ipld;

import io.ferry.ipld.unixfs.BlockSink;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.ipld.unixfs.TestData;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * UnixFS import throughput of a generated file (1 GiB unless given; the deterministic content of
 * ipld's {@code TestData}, so its root CIDs are the reference ones), next to {@code sha256sum} of
 * the same file timed in the same run. The file is read once first so every run reads it from the
 * page cache. Each case runs {@code runs} times (default 3); the table shows the median.
 *
 * <pre>
 * java -cp ... io.ferry.bench.ipld.ImportBench [sizeMiB] [runs] [workDir]
 * </pre>
 */
public final class ImportBench {
  private ImportBench() {}

  public static void main(String[] args) throws Exception {
    long sizeMiB = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path work = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("ferry-bench");
    Files.createDirectories(work);
    long size = sizeMiB << 20;
    Path file = work.resolve("input.bin");
    TestData.write(file, size);
    System.out.printf(
        "input: %d MiB generated at %s; %d runs per case, median shown; %d CPUs, java %s%n",
        sizeMiB,
        file,
        runs,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    sha256sum(file); // warm the page cache

    List<String[]> rows = new ArrayList<>();
    rows.add(
        row("sha256sum (coreutils, subprocess)", "-", median(runs, () -> sha256sum(file)), size));
    // One file: the ipfs-car profile cuts it exactly as unixfs-v1-2025 does.
    for (UnixFsProfile profile : List.of(UnixFsProfile.V1_2025, UnixFsProfile.V0_2015)) {
      String[] root = {""};
      double hashOnly =
          median(
              runs,
              () -> {
                root[0] = importOnce(file, profile, BlockSink.discard()).root().toString();
                return 0;
              });
      rows.add(row("ferry import --only-hash, " + profile.name(), root[0], hashOnly, size));
      double stored =
          median(
              runs,
              () -> {
                Path dir = work.resolve("blocks-" + profile.name());
                try (LevelDbBlockStore store = LevelDbBlockStore.open(dir)) {
                  importOnce(file, profile, BlockSink.batching(store, 8L << 20));
                } finally {
                  deleteTree(dir);
                }
                return 0;
              });
      rows.add(row("ferry import into LevelDB, " + profile.name(), root[0], stored, size));
    }
    System.out.println();
    System.out.printf("| %-44s | %9s | %7s | %s |%n", "case", "seconds", "MiB/s", "root CID");
    System.out.printf(
        "|%s|%s|%s|%s|%n", "-".repeat(46), "-".repeat(11), "-".repeat(9), "-".repeat(64));
    for (String[] r : rows) {
      System.out.printf("| %-44s | %9s | %7s | %s |%n", r[0], r[1], r[2], r[3]);
    }
    Files.delete(file);
  }

  private static ImportResult importOnce(Path file, UnixFsProfile profile, BlockSink sink)
      throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new UnixFsImporter(profile, sink).importFile(in);
    }
  }

  private static int sha256sum(Path file) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("sha256sum", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    int rc = p.waitFor();
    if (rc != 0) {
      throw new IOException("sha256sum exited with " + rc);
    }
    return rc;
  }

  /** One timed run of a case. */
  interface Case {
    int run() throws Exception;
  }

  /** The median wall time of {@code runs} runs, in seconds. */
  private static double median(int runs, Case c) throws Exception {
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      c.run();
      times.add((System.nanoTime() - start) / 1e9);
    }
    times.sort(Comparator.naturalOrder());
    return times.get(times.size() / 2);
  }

  private static String[] row(String name, String cid, double seconds, long size) {
    return new String[] {
      name, String.format("%.2f", seconds), String.format("%.0f", size / 1048576.0 / seconds), cid
    };
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
