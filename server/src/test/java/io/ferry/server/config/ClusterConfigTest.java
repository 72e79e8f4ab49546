package io.ferry.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.engine.NodeSettings;
import io.ferry.engine.cluster.Membership;
import io.ferry.persistence.journal.LevelDbJournalSettings;
import io.ferry.persistence.journal.PostgresJournalSettings;
import io.ferry.server.config.FerryConfig.Flags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry.journal} and {@code ferry.cluster}: the embedded default and clustered mode. */
class ClusterConfigTest {
  private static final String URL = "jdbc:postgresql://127.0.0.1:54329/ferry";

  @TempDir Path dir;

  private FerryConfig load(String text, Map<String, String> env) throws IOException {
    Path f = dir.resolve("ferry.conf");
    Files.writeString(f, text);
    Properties p = new Properties();
    p.setProperty("user.home", dir.toString());
    return FerryConfig.load(Flags.none().withConfigFile(f).withHome(dir.resolve("home")), env, p);
  }

  private FerryConfig load(String text) throws IOException {
    return load(text, Map.of());
  }

  @Test
  void byDefaultANodeJournalsInLevelDbUnderItsHomeAndIsAClusterOfOne() throws IOException {
    FerryConfig c = load("");
    assertThat(c.journal())
        .isEqualTo(
            new LevelDbJournalSettings(
                dir.resolve("home/journal").toAbsolutePath(),
                dir.resolve("home/snapshots").toAbsolutePath()));
    assertThat(c.membership()).isEqualTo(Membership.alone());
  }

  @Test
  void clusteredModeReadsThePostgresJournalAndTheSeedNodes() throws IOException {
    FerryConfig c =
        load(
            """
            ferry.journal { kind = postgres, postgres { url = "%s", user = ferry, max-connections = 3 } }
            ferry.cluster {
              seed-nodes = ["10.0.0.1:7772", "pekko://ferry@10.0.0.2:7772"]
              hostname = "10.0.0.3"
              port = 7773
            }
            """
                .formatted(URL),
            Map.of("FERRY_JOURNAL_PASSWORD", "from-env"));
    assertThat(c.journal())
        .isEqualTo(new PostgresJournalSettings(URL, "ferry", "from-env", 3, true));
    Membership.Member m = (Membership.Member) c.membership();
    assertThat(m.hostname()).isEqualTo("10.0.0.3");
    assertThat(m.port()).isEqualTo(7773);
    assertThat(m.seedNodes())
        .containsExactly(
            new Address("pekko", "ferry", "10.0.0.1", 7772),
            new Address("pekko", "ferry", "10.0.0.2", 7772));
  }

  @Test
  void aPostgresJournalWithoutUrlIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> load("ferry.journal.kind = postgres"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ferry.journal.postgres.url")
        .hasMessageContaining("must be set");
  }

  @Test
  void anUnknownJournalKindIsRefusedNamingIt() {
    assertThatThrownBy(() -> load("ferry.journal.kind = cassandra"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ferry.journal.kind")
        .hasMessageContaining("must be leveldb or postgres, was 'cassandra'");
  }

  @Test
  void seedNodesWithTheLevelDbJournalAreRefused() {
    assertThatThrownBy(() -> load("ferry.cluster.seed-nodes = [\"127.0.0.1:7772\"]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ferry.journal.kind")
        .hasMessageContaining("needs kind = postgres");
  }

  @Test
  void aSeedNodeThatIsNotAnAddressIsRefusedNamingIt() {
    assertThatThrownBy(
            () ->
                load(
                    """
                    ferry.journal { kind = postgres, postgres.url = "%s" }
                    ferry.cluster.seed-nodes = ["seed-without-port"]
                    """
                        .formatted(URL)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a seed node: 'seed-without-port'");
    assertThatThrownBy(() -> Membership.Member.of("h", 1, List.of("pekko://other@h:1")))
        .hasMessageContaining("must be a pekko://ferry@host:port address");
  }

  @Test
  void aMemberJoinsAsAClusterOnItsCanonicalAddressWithASplitBrainResolver() {
    var member = Membership.Member.of("10.0.0.3", 7773, List.of("10.0.0.1:7772"));
    var c = member.toConfig();
    assertThat(c.getString("pekko.actor.provider")).isEqualTo("cluster");
    assertThat(c.getString("pekko.remote.artery.canonical.hostname")).isEqualTo("10.0.0.3");
    assertThat(c.getInt("pekko.remote.artery.canonical.port")).isEqualTo(7773);
    assertThat(c.getString("pekko.cluster.downing-provider-class"))
        .isEqualTo("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
    assertThat(Membership.alone().toConfig().getInt("pekko.remote.artery.canonical.port")).isZero();
  }

  @Test
  void nodeSettingsRefuseAClusterMemberWithAJournalOfItsOwn() {
    NodeSettings embedded = NodeSettings.forHome(dir);
    var member = Membership.Member.of("127.0.0.1", 7772, List.of("127.0.0.1:7772"));
    assertThatThrownBy(() -> embedded.withMembership(member))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a cluster member needs a journal the members share");
    assertThat(
            embedded
                .withCluster(new PostgresJournalSettings(URL, "ferry", ""), member)
                .membership())
        .isEqualTo(member);
  }
}
