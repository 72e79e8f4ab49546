package io.ferry.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A member whose PostgreSQL journal (and shared block store) goes away and comes back: a server of
 * the test's own (the shared one other tests use is never stopped), stopped and started with
 * scripts/postgres.sh. While it is down, /readyz says so, channel reads answer 503 {@code
 * journal-unavailable} at once and channels stop moving data; once it is back, reads answer again
 * and a pull that was running completes with counters that match the blocks it stored. One outage
 * shows both (one server and one member started, not two of each).
 */
@ResourceLock("ferry-cluster")
class JournalOutageTest {
  private static final int SIZE = 12 << 20;
  private static final java.time.Duration OUTAGE = java.time.Duration.ofSeconds(30);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private PrivatePostgres pg;
  private FerryCluster cluster;

  @BeforeEach
  void start() throws Exception {
    // Under /tmp, not in the test's directory: the server runs as the postgres user.
    pg =
        PrivatePostgres.startIn(
            Path.of("/tmp", "ferry-pg-outage-" + ThreadLocalRandom.current().nextInt(1 << 30)));
    cluster =
        FerryCluster.start(
            dir, new FerryCluster.Journal(pg.url(), pg.user(), pg.password()), 1, "");
  }

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (pg != null) {
      pg.close();
      pg.delete();
    }
  }

  @Test
  void whilePostgresIsStopped30SecondsReadsSayItIsDownAndAPullCompletesAfterwardsWithExactCounters()
      throws Exception {
    MemberJvm member = cluster.member(0);
    assertThat(readyz(member).path("ready").asBoolean()).isTrue();
    String self = member.peerAddress().replaceAll(".*/p2p/", "");
    MemberJvm provider = cluster.startOutsidePeer("provider", "ferry.rate-limits.upload = 1 MiB\n");
    byte[] data = new byte[SIZE];
    new java.util.Random(30).nextBytes(data);
    Path file = dir.resolve("provided.bin");
    Files.write(file, data);
    JsonNode imported =
        provider.api().post("/v1/blocks/import", java.util.Map.of("path", file.toString()));
    String root = imported.path("root").asText();
    long blocks = imported.path("blocks").asLong();
    java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("from", provider.peerAddress());
    body.put("root", root);
    String id = member.api().post("/v1/channels/pull", body).path("id").asText();
    Poll.until(
        FerryCluster.WAIT,
        id + " to have received 2 MiB",
        () -> channel(member, id).path("receivedBytes").asLong() >= 2 << 20);

    pg.stop();
    // The outage lasts 30 s (the scenario itself, not a wait for something to happen): /readyz
    // is sampled about once a second all along.
    long start = System.nanoTime();
    java.util.List<Boolean> journalUp = new java.util.ArrayList<>();
    while (System.nanoTime() - start < OUTAGE.toNanos()) {
      journalUp.add(readyz(member).path("parts").path("journal").asBoolean(true));
      long next = System.nanoTime() + 1_000_000_000L;
      Poll.until(OUTAGE, "the next second of the outage", () -> System.nanoTime() >= next);
    }
    assertThat(journalUp).as("/readyz's journal part, sampled through the outage").endsWith(false);
    assertThat(journalUp.stream().filter(up -> !up).count())
        .as("samples that reported the journal down: %s", journalUp)
        .isGreaterThanOrEqualTo(journalUp.size() / 2);
    JsonNode down = readyz(member);
    assertThat(down.path("ready").asBoolean()).isFalse();
    assertThat(down.path("detail").path("journal").asText()).contains("unreachable");
    String unknown = "/v1/channels/" + self + "-" + self + "-1";
    for (String read : java.util.List.of("/v1/channels", unknown)) {
      assertThat(member.statusOf(read)).as("GET %s while the journal is down", read).isEqualTo(503);
      JsonNode answer = member.getAnyStatus(read);
      assertThat(answer.path("error").asText()).isEqualTo("journal-unavailable");
      assertThat(answer.path("detail").asText())
          .as("GET %s's answer", read)
          .startsWith("the channel journal is unreachable (")
          .endsWith("so channels cannot be read until it is back; GET /readyz says when it is");
    }
    pg.start();

    JsonNode done =
        Poll.until(
            FerryCluster.WAIT,
            id + " to end",
            () -> channel(member, id),
            c ->
                java.util.Set.of("Completed", "Failed", "Cancelled")
                    .contains(c.path("status").asText()));
    assertThat(done.path("status").asText()).as("%s", done).isEqualTo("Completed");
    // The DAG's size as its root block tells it: the file's bytes and the UnixFS nodes'.
    long dag = done.path("expectedBytes").asLong();
    assertThat(dag).isGreaterThan(SIZE);
    assertThat(done.path("receivedBytes").asLong()).as("bytes received").isEqualTo(dag);
    assertThat(done.path("receivedBlocks").asLong()).as("blocks received").isEqualTo(blocks);
    JsonNode sent =
        Poll.until(
            FerryCluster.WAIT,
            "the provider's side of " + id + " to end",
            () -> provider.api().get("/v1/channels/" + id),
            c -> c.path("status").asText().equals("Completed"));
    assertThat(sent.path("sentBytes").asLong()).as("bytes the provider sent").isEqualTo(dag);
    assertThat(sent.path("sentBlocks").asLong()).as("blocks it sent").isEqualTo(blocks);
    Path copy = dir.resolve("copy.bin");
    member.api().post("/v1/export", java.util.Map.of("root", root, "path", copy.toString()));
    assertThat(Files.mismatch(file, copy)).as("the exported copy").isEqualTo(-1L);
    assertThat(readyz(member).path("ready").asBoolean()).isTrue();
    assertThat(member.statusOf("/v1/channels"))
        .as("GET /v1/channels once it is back")
        .isEqualTo(200);
  }

  private static JsonNode channel(MemberJvm m, String id) {
    try {
      return m.api().get("/v1/channels/" + id);
    } catch (RuntimeException e) {
      return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
          .objectNode()
          .put("status", "unreadable: " + e.getMessage());
    }
  }

  /** {@code GET /readyz}'s body, whatever its status (503 when not ready). */
  private static JsonNode readyz(MemberJvm m) {
    return m.getAnyStatus("/readyz");
  }
}
