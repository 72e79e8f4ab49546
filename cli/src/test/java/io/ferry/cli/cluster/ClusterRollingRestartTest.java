package io.ferry.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * An operator upgrades a cluster by restarting its members one by one with SIGTERM while pulls run:
 * each member leaves gracefully, hands its channels over, comes back at the same addresses and
 * rejoins before the next one goes; the others see it leave (they never find it unreachable and
 * down it). Two outside providers serve five pulls (at 512 KiB/s each, so they are still moving
 * while the members restart); every one completes and every member exports the providers' bytes.
 */
@ResourceLock("ferry-cluster")
class ClusterRollingRestartTest {
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final int SIZE = 12 << 20;
  private static final int PULLS = 5;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private TestPostgres.Database db;
  private FerryCluster cluster;

  @BeforeEach
  void start() throws Exception {
    db = TestPostgres.freshDatabase();
    cluster =
        FerryCluster.start(
            dir, new FerryCluster.Journal(db.url(), db.user(), db.password()), 3, "");
  }

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void aRollingSigtermRestartOfEveryMemberCompletesAllFivePullsInFlight() throws Exception {
    List<MemberJvm> providers =
        List.of(
            cluster.startOutsidePeer("provider-a", "ferry.rate-limits.upload = 512 KiB\n"),
            cluster.startOutsidePeer("provider-b", "ferry.rate-limits.upload = 512 KiB\n"));
    List<Path> files = new ArrayList<>();
    List<String> roots = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < PULLS; i++) {
      MemberJvm provider = providers.get(i % 2);
      byte[] data = new byte[SIZE];
      new Random(100 + i).nextBytes(data);
      Path file = dir.resolve("provided-" + i + ".bin");
      Files.write(file, data);
      String root =
          provider
              .api()
              .post("/v1/blocks/import", Map.of("path", file.toString()))
              .path("root")
              .asText();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("from", provider.peerAddress());
      body.put("root", root);
      files.add(file);
      roots.add(root);
      ids.add(cluster.member(i % 3).api().post("/v1/channels/pull", body).path("id").asText());
    }
    // Accepted, data on its way: the first progress is counted only after a batch (8 MiB) is
    // stored, by when the first pulls were done and the restarts found little in flight.
    for (String id : ids) {
      Poll.until(WAIT, id + " to be accepted", () -> status(id).equals("Ongoing"));
    }

    for (int i = 0; i < 3; i++) {
      System.out.printf(
          "restarting %s with %d of %d pulls in flight%n",
          cluster.member(i),
          ids.stream().filter(id -> status(id).equals("Ongoing")).count(),
          PULLS);
      MemberJvm leaver = cluster.member(i);
      Map<MemberJvm, Integer> logged = new HashMap<>();
      cluster.members().forEach(m -> logged.put(m, m.log().length()));
      leaver.terminate();
      cluster.awaitMembersUp(2);
      assertThat(leaver.log().substring(logged.get(leaver)))
          .as("%s's own log: it left before it stopped", leaver)
          .contains("Exiting completed");
      for (MemberJvm m : cluster.running()) {
        assertThat(m.log().substring(logged.get(m)))
            .as("%s saw %s leave, it did not find it unreachable and down it", m, leaver)
            .doesNotContain("SBR took decision");
      }
      cluster.restart(i);
      cluster.awaitMembersUp(3);
    }

    for (String id : ids) {
      String status =
          Poll.until(
              WAIT,
              id + " to end",
              () -> status(id),
              s -> s.equals("Completed") || s.equals("Failed") || s.equals("Cancelled"));
      assertThat(status)
          .as(() -> ChannelReport.of(id, everyNode(providers)))
          .isEqualTo("Completed");
      JsonNode channel = cluster.running().get(0).api().get("/v1/channels/" + id);
      assertThat(channel.path("receivedBytes").asLong())
          .as(id + "'s bytes, counted once: the DAG's, as its root block tells")
          .isEqualTo(channel.path("expectedBytes").asLong())
          .isGreaterThan(SIZE);
    }
    for (int i = 0; i < PULLS; i++) {
      MemberJvm m = cluster.member(i % 3);
      Path copy = dir.resolve("copy-" + i + ".bin");
      m.api().post("/v1/export", Map.of("root", roots.get(i), "path", copy.toString()));
      assertThat(Files.mismatch(files.get(i), copy))
          .as("pull %d exported by %s", i, m)
          .isEqualTo(-1L);
    }
  }

  /** The running members and the outside providers, to tell where a channel stands. */
  private List<MemberJvm> everyNode(List<MemberJvm> providers) {
    List<MemberJvm> nodes = new ArrayList<>(cluster.running());
    nodes.addAll(providers);
    return nodes;
  }

  private String status(String id) {
    try {
      return cluster.running().get(0).api().get("/v1/channels/" + id).path("status").asText();
    } catch (RuntimeException e) {
      return "unreadable: " + e.getMessage();
    }
  }
}
