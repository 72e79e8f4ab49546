package io.ferry.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.testing.TestPostgres;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Forming, leaving and rejoining a cluster of three member processes configured as
 * docs/operations.md shows (every member lists all three as seed nodes), on a fresh PostgreSQL
 * database each.
 */
@ResourceLock("ferry-cluster")
class ClusterFormationTest {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private TestPostgres.Database db;
  private FerryCluster cluster;

  @BeforeEach
  void startCluster() throws Exception {
    db = TestPostgres.freshDatabase();
    cluster =
        FerryCluster.start(
            dir, new FerryCluster.Journal(db.url(), db.user(), db.password()), 3, "");
  }

  @AfterEach
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void aKilledSeedThatIsRestartedRejoinsTheRunningClusterInsteadOfFormingASecondOne()
      throws Exception {
    MemberJvm firstSeed = cluster.member(0);

    firstSeed.kill();
    cluster.restart(0);

    cluster.awaitMembersUp(3);
    JsonNode view = firstSeed.cluster();
    assertThat(FerryCluster.up(view))
        .as("the restarted first seed sees the members that kept running")
        .contains(cluster.clusterAddress(1), cluster.clusterAddress(2));
    assertThat(view.path("oldest").asText())
        .as("and is not the oldest: it joined, it did not start a cluster")
        .isNotEqualTo(cluster.clusterAddress(0));
    for (MemberJvm m : cluster.members()) {
      assertThat(m.log()).as(m.name() + "'s log").doesNotContain("event_journal_pkey");
    }
    String status = firstSeed.ferry("cluster", "status");
    assertThat(status.lines().filter(l -> l.contains(" Up ")).count())
        .as("ferry cluster status:\n" + status)
        .isEqualTo(3);
    assertThat(status).contains("(this member)").contains("oldest");
  }

  @Test
  void aMemberStoppedWithSigtermLeavesGracefullyAndTheOthersCarryOnWithoutDowningIt()
      throws Exception {
    String oldest = cluster.member(1).cluster().path("oldest").asText();
    int leaving =
        List.of(0, 1, 2).stream()
            .filter(i -> cluster.clusterAddress(i).equals(oldest))
            .findFirst()
            .orElseThrow();
    MemberJvm leaver = cluster.member(leaving);

    leaver.terminate();

    cluster.awaitMembersUp(2);
    assertThat(leaver.log())
        .as("the member's own log: it left before it stopped")
        .contains("Exiting completed");
    for (MemberJvm m : cluster.running()) {
      assertThat(m.log())
          .as(m.name() + " saw " + oldest + " leave, it did not find it unreachable and down it")
          .doesNotContain("SBR took decision");
      assertThat(m.api().get("/v1/channels").isArray())
          .as("the channel listing, read from the shared journal, answers from " + m.name())
          .isTrue();
    }
  }
}
