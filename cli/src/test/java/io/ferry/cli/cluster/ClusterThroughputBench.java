package io.ferry.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestPostgres;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A benchmark, not a test: surefire's default includes leave out {@code *Bench} classes, so it runs
 * only when named ({@code -Dtest=ClusterThroughputBench}, see docs/benchmarks.md, "Clustered
 * mode"): three cluster members pull at once from three outside providers, each pull opened through
 * another member's API, and the aggregate throughput is printed with the machine's load average.
 * Each provider's channels run on the member that first addressed it, so the three pulls run on
 * three members. {@code -Dferry.bench.mib=N} sets each pull's size (default 128).
 */
class ClusterThroughputBench {
  private static final int MIB = 1 << 20;
  private static final int SIZE = Integer.getInteger("ferry.bench.mib", 128) * MIB;
  private static final Duration WAIT = Duration.ofMinutes(20);

  @TempDir(cleanup = CleanupMode.ALWAYS)
  Path dir;

  @Test
  void threeMembersPullFromThreeOutsidePeersAtOnce() throws Exception {
    try (TestPostgres.Database db = TestPostgres.freshDatabase();
        FerryCluster cluster =
            FerryCluster.start(
                dir, new FerryCluster.Journal(db.url(), db.user(), db.password()), 3, "")) {
      List<MemberJvm> providers = new ArrayList<>();
      List<String> roots = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        MemberJvm p = cluster.startOutsidePeer("provider-" + (i + 1), "");
        Path file = dir.resolve("provided-" + i + ".bin");
        Random random = new Random(i);
        byte[] chunk = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
          for (int n = 0; n < SIZE; n += MIB) {
            random.nextBytes(chunk);
            out.write(chunk);
          }
        }
        roots.add(
            p.api()
                .post("/v1/blocks/import", Map.of("path", file.toString()))
                .path("root")
                .asText());
        Files.delete(file);
        providers.add(p);
      }
      String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
      long start = System.nanoTime();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", providers.get(i).peerAddress());
        body.put("root", roots.get(i));
        ids.add(cluster.member(i).api().post("/v1/channels/pull", body).path("id").asText());
      }
      long bytes = 0;
      for (String id : ids) {
        JsonNode done =
            Poll.until(
                WAIT,
                id + " to complete",
                () -> {
                  try {
                    return cluster.member(0).api().get("/v1/channels/" + id);
                  } catch (RuntimeException e) {
                    return null;
                  }
                },
                c -> c != null && c.path("status").asText().equals("Completed"));
        bytes += done.path("receivedBytes").asLong();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      String loadAfter = Files.readString(Path.of("/proc/loadavg")).strip();
      JsonNode view = cluster.member(0).cluster();
      List<Integer> peersPerMember = new ArrayList<>();
      view.path("members").forEach(m -> peersPerMember.add(m.path("peers").size()));
      System.out.printf(
          "3 members pulling 3 x %d MiB from 3 outside peers: %.1f s, aggregate %.1f MB/s"
              + " (peers served per member: %s; load average before: %s, after: %s)%n",
          SIZE / MIB, seconds, bytes / seconds / 1e6, peersPerMember, loadBefore, loadAfter);
      assertThat(bytes).isGreaterThanOrEqualTo(3L * SIZE);
    }
  }
}
