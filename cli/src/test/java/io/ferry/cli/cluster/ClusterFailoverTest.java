package io.ferry.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestPostgres;
import io.ferry.cli.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member serving an outside provider goes away in the middle of a pull (SIGKILL, or SIGTERM):
 * another member takes the provider over, redials it with the shared address book and the pull
 * completes with the provider's bytes. The provider sends at most 1 MiB/s so that the pull is still
 * running when its member goes. (The blocks the gone member had received are fetched again: block
 * stores are per member so far.)
 */
class ClusterFailoverTest {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final int SIZE = 6 * 1024 * 1024;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private TestPostgres.Database db;
  private FerryCluster cluster;
  private MemberJvm provider;
  private Path file;
  private String root;

  @BeforeEach
  void start() throws Exception {
    db = TestPostgres.freshDatabase();
    cluster =
        FerryCluster.start(
            dir, new FerryCluster.Journal(db.url(), db.user(), db.password()), 3, "");
    provider = cluster.startOutsidePeer("provider", "ferry.rate-limits.upload = 1 MiB\n");
    byte[] data = new byte[SIZE];
    new Random(5).nextBytes(data);
    file = dir.resolve("provided.bin");
    Files.write(file, data);
    root =
        provider
            .api()
            .post("/v1/blocks/import", Map.of("path", file.toString()))
            .path("root")
            .asText();
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
  void aPullWhoseMemberIsKilledCompletesThroughAnotherMember() throws Exception {
    failOverMidPull(true);
  }

  @Test
  void aPullWhoseMemberIsStoppedWithSigtermCompletesThroughAnotherMember() throws Exception {
    failOverMidPull(false);
  }

  private void failOverMidPull(boolean kill) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", provider.peerAddress());
    body.put("root", root);
    String id = cluster.member(0).api().post("/v1/channels/pull", body).path("id").asText();
    MemberJvm serving =
        Poll.until(WAIT, "the member serving the provider", this::servingMember, m -> m != null);
    Poll.until(WAIT, id + " to have received 1 MiB", () -> received(serving.api(), id) >= 1 << 20);

    long gone = System.nanoTime();
    if (kill) {
      serving.kill();
    } else {
      serving.terminate();
    }
    MemberJvm survivor = cluster.running().get(0);
    long before = received(survivor.api(), id);
    Poll.until(WAIT, id + " to move data again", () -> received(survivor.api(), id) > before);
    System.out.printf(
        "%s of the serving member: data moved again after %.1f s%n",
        kill ? "SIGKILL" : "SIGTERM", (System.nanoTime() - gone) / 1e9);

    String status =
        Poll.until(
            WAIT,
            id + " to end",
            () -> status(survivor.api(), id),
            s -> s.equals("Completed") || s.equals("Failed") || s.equals("Cancelled"));
    assertThat(status).isEqualTo("Completed");
    MemberJvm now = Poll.until(WAIT, "the member now serving", this::servingMember, m -> m != null);
    assertThat(now).isNotSameAs(serving);
    Path copy = dir.resolve("copy-" + kill + ".bin");
    now.api().post("/v1/export", Map.of("root", root, "path", copy.toString()));
    assertThat(Files.mismatch(file, copy)).as("the exported copy").isEqualTo(-1L);
  }

  /** The running member connected to the provider, or null. */
  private MemberJvm servingMember() {
    String peer = provider.peerAddress().replaceAll(".*/p2p/", "");
    for (MemberJvm m : cluster.running()) {
      try {
        for (JsonNode p : m.api().get("/v1/peers")) {
          if (p.path("peerId").asText().equals(peer) && p.path("connected").asBoolean()) {
            return m;
          }
        }
      } catch (RuntimeException e) {
        // not serving yet
      }
    }
    return null;
  }

  private static long received(ApiClient api, String id) {
    try {
      return api.get("/v1/channels/" + id).path("receivedBytes").asLong();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static String status(ApiClient api, String id) {
    try {
      return api.get("/v1/channels/" + id).path("status").asText();
    } catch (RuntimeException e) {
      return "unreadable: " + e.getMessage();
    }
  }
}
