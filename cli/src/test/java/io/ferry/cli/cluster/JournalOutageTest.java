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

/**
 * A member whose PostgreSQL journal goes away and comes back: a server of the test's own (the
 * shared one other tests use is never stopped), stopped and started with scripts/postgres.sh.
 */
class JournalOutageTest {
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
  void readyzSaysTheJournalIsDownWhilePostgresIsStoppedAndReadyAgainWhenItIsBack()
      throws Exception {
    MemberJvm member = cluster.member(0);
    assertThat(readyz(member).path("ready").asBoolean()).isTrue();

    pg.stop();

    JsonNode down =
        Poll.until(
            FerryCluster.WAIT,
            "/readyz to report the journal down",
            () -> readyz(member),
            r -> !r.path("parts").path("journal").asBoolean(true));
    assertThat(down.path("ready").asBoolean()).isFalse();
    assertThat(down.path("detail").path("journal").asText()).contains("unreachable");

    pg.start();

    Poll.until(
        FerryCluster.WAIT,
        "/readyz to report the journal back",
        () -> readyz(member),
        r -> r.path("ready").asBoolean());
    assertThat(Files.exists(member.home().resolve("api.addr"))).isTrue();
  }

  /** {@code GET /readyz}'s body, whatever its status (503 when not ready). */
  private static JsonNode readyz(MemberJvm m) {
    return m.getAnyStatus("/readyz");
  }
}
