package io.ferry.bench.node;

import io.ferry.ipld.Cid;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Many concurrent slow channels held open: a fresh pair whose provider sends at most {@link
 * #UPLOAD} bytes a second ({@code ferry.rate-limits.upload}), {@code n} pulls of distinct one-block
 * DAGs of {@link #BLOCK} bytes opened at once; once none is {@code Requested} on the client, each
 * node's heap after a full collection, less the same before the pulls, over {@code n}.
 */
final class SlowChannels {
  static final int BLOCK = 4096;
  static final int UPLOAD = 8192;

  private final Path dir;
  private final Table table;

  SlowChannels(Path dir, Table table) {
    this.dir = dir.resolve("slow-channels");
    this.table = table;
  }

  void run(int n) throws Exception {
    String limits = SlowPulls.limits(n);
    try (NodePair pair =
        NodePair.start(dir, limits + "ferry.rate-limits.upload = " + UPLOAD + "\n", limits)) {
      List<Cid> roots = SlowPulls.importBlocks(pair.provider(), dir, n, BLOCK, 17);
      long providerBefore = SlowPulls.liveHeap(pair.provider());
      long clientBefore = SlowPulls.liveHeap(pair.client());
      long t0 = System.nanoTime();
      SlowPulls.open(pair.client(), pair.provider(), roots);
      double opened = (System.nanoTime() - t0) / 1e9;
      Map<String, Integer> statuses = SlowPulls.statuses(pair.client());
      while (statuses.getOrDefault("Requested", 0) > 0) {
        Thread.sleep(1000);
        statuses = SlowPulls.statuses(pair.client());
      }
      double accepted = (System.nanoTime() - t0) / 1e9;
      long providerAfter = SlowPulls.liveHeap(pair.provider());
      long clientAfter = SlowPulls.liveHeap(pair.client());
      int open = n - statuses.getOrDefault("Completed", 0);
      Map<String, Integer> providerStatuses = SlowPulls.statuses(pair.provider());
      table.row(
          String.format(
              Locale.ROOT,
              "%,d slow channels held open (%d KiB each, provider upload %d KiB/s)",
              n,
              BLOCK >> 10,
              UPLOAD >> 10),
          String.format(
              Locale.ROOT,
              "opened in %.1f s, none Requested after %.1f s, %,d open (client %s, provider %s);"
                  + " live heap provider"
                  + " %d -> %d MiB (%.1f KiB/channel), client %d -> %d MiB (%.1f KiB/channel)",
              opened,
              accepted,
              open,
              statuses,
              providerStatuses,
              providerBefore >> 20,
              providerAfter >> 20,
              (providerAfter - providerBefore) / 1024.0 / n,
              clientBefore >> 20,
              clientAfter >> 20,
              (clientAfter - clientBefore) / 1024.0 / n));
    }
  }
}
