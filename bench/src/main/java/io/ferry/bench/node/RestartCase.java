package io.ferry.bench.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.ChannelId;
import io.ferry.cli.ApiClient;
import io.ferry.cli.demo.ChildNode;
import io.ferry.ipld.Cid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A client restarted with many channel records: a fresh pair, {@code active} pulls of distinct
 * one-block DAGs held open by the client's download limit; the client stopped (SIGTERM), {@code
 * terminal} completed pulls written into its journal ({@link ChannelRecords}), the client started
 * again without the limit. Measured from the start: until the API serves, until {@code /readyz}
 * answers 200, until {@code GET /v1/channels?status=Ongoing} first answers (and that call's time),
 * until every active channel ended (completed, moving its data again, or failed: counted by
 * status); then the same call's time once settled; then a second restart, which reads the read
 * model's checkpoint instead of the journal.
 */
final class RestartCase {
  private static final int DOWNLOAD = 8192;

  private final Path dir;
  private final Table table;

  RestartCase(Path dir, Table table) {
    this.dir = dir.resolve("restart");
    this.table = table;
  }

  void run(int terminal, int active) throws Exception {
    String limits = SlowPulls.limits(active);
    NodePair pair =
        NodePair.start(dir, limits, limits + "ferry.rate-limits.download = " + DOWNLOAD + "\n");
    ChildNode client = pair.client();
    try {
      List<Cid> roots = SlowPulls.importBlocks(pair.provider(), dir, active, 4096, 23);
      List<String> ids = SlowPulls.open(client, pair.provider(), roots);
      while (SlowPulls.statuses(client).getOrDefault("Requested", 0) > 0) {
        Thread.sleep(1000);
      }
      String before = SlowPulls.statuses(client).toString();
      client.stop();
      ChannelId sample = ChannelId.parse(ids.get(0));
      long g0 = System.nanoTime();
      ChannelRecords.write(client.home(), sample.initiator(), sample.responder(), terminal);
      double generated = (System.nanoTime() - g0) / 1e9;
      table.row(
          String.format(
              Locale.ROOT,
              "restart: %,d terminal records written (%d events each), %,d active %s",
              terminal,
              ChannelRecords.EVENTS_PER_CHANNEL,
              active,
              before),
          String.format(
              Locale.ROOT,
              "generator %.1f s; the fresh pair served its APIs %.1f s after starting",
              generated,
              pair.startSeconds()));

      Path conf = dir.resolve("client-again.conf");
      Files.writeString(conf, limits + "\n" + NodePair.EXTRA_CONF);
      client = again(pair.client().home(), conf);
      Start first = Start.measure(client, new HashSet<>(ids));
      table.row("restart 1 (read model replays the new records)", first.toString());
      client.stop();
      client = again(pair.client().home(), conf);
      Start second = Start.measure(client, Set.of());
      table.row("restart 2 (from the read model's checkpoint)", second.toString());
      client.stop();
      table.row(
          "restart: snapshots in the client's home",
          snapshots(client.home()) + " (a channel snapshots every 100 events)");
    } finally {
      ChildNode.stopAll(pair.provider(), client);
    }
  }

  /** The client again, on its home, with {@code conf} (no download limit). */
  private static ChildNode again(Path home, Path conf) {
    return new ChildNode("client", home, conf, "/ip4/127.0.0.1/tcp/0", NodePair.JVM);
  }

  /** The snapshots in a stopped node's snapshot store (a LevelDB database). */
  private static long snapshots(Path home) throws IOException {
    Path dir = home.resolve("snapshots");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long n = 0;
    try (org.iq80.leveldb.DB db =
            org.fusesource.leveldbjni.JniDBFactory.factory.open(
                dir.toFile(), new org.iq80.leveldb.Options().createIfMissing(false));
        org.iq80.leveldb.DBIterator it = db.iterator()) {
      for (it.seekToFirst(); it.hasNext(); it.next()) {
        n++;
      }
    }
    return n;
  }

  /** What one start took, in seconds from the process start. */
  record Start(
      double api,
      double ready,
      double firstList,
      double firstListCall,
      double moved,
      Map<String, Integer> ended,
      double listCall,
      int listed) {

    static Start measure(ChildNode node, Set<String> active) throws Exception {
      long t0 = System.nanoTime();
      node.start();
      node.awaitApi(NodePair.START);
      double api = since(t0);
      ApiClient api0 = node.api();
      while (!ready(api0)) {
        Thread.sleep(20);
      }
      double ready = since(t0);
      long c0;
      JsonNode listed;
      while (true) {
        c0 = System.nanoTime();
        try {
          listed = api0.get("/v1/channels?status=Ongoing");
          break;
        } catch (RuntimeException e) {
          Thread.sleep(20);
        }
      }
      double firstCall = since(c0);
      double firstList = since(t0);
      double moved = 0;
      Map<String, Integer> ended = new TreeMap<>();
      if (!active.isEmpty()) {
        // Each channel asked by its id (answered at once, also while the read model catches up
        // and a listing answers 503 catching-up): the channels move again before the model has
        // caught up, and a listing would only see it once it had.
        // A channel that ended otherwise (Failed: refused by the provider, say) ends the wait too
        // and is counted by status: waiting for Completed alone hung the bench for good.
        Set<String> left = new HashSet<>(active);
        while (!left.isEmpty()) {
          for (String id : List.copyOf(left)) {
            try {
              String status = api0.get("/v1/channels/" + id).path("status").asText();
              if (ProductBench.ended(status)) {
                left.remove(id);
                ended.merge(status, 1, Integer::sum);
              }
            } catch (RuntimeException e) {
              // not answered yet: asked again in the next pass
            }
          }
          if (!left.isEmpty()) {
            Thread.sleep(200);
          }
        }
        moved = since(t0);
      }
      List<Double> calls = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        long s = System.nanoTime();
        listed = api0.get("/v1/channels?status=Ongoing");
        calls.add(since(s));
      }
      calls.sort(Double::compare);
      return new Start(api, ready, firstList, firstCall, moved, ended, calls.get(2), listed.size());
    }

    private static boolean ready(ApiClient api) {
      try {
        return api.get("/readyz").path("ready").asBoolean();
      } catch (RuntimeException e) {
        return false;
      }
    }

    private static double since(long t0) {
      return (System.nanoTime() - t0) / 1e9;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "API %.1f s, /readyz %.1f s, first GET /v1/channels?status=Ongoing answered at %.1f s"
              + " (that call %.0f ms)%s; settled, that call %.0f ms (%d channels)",
          api,
          ready,
          firstList,
          firstListCall * 1000,
          moved == 0
              ? ""
              : String.format(
                  Locale.ROOT, ", every active channel ended at %.1f s %s", moved, ended),
          listCall * 1000,
          listed);
    }
  }
}
