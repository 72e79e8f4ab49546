package io.ferry.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What each journal choice renders, without a database. */
class JournalSettingsTest {

  @Test
  void postgresSelectsTheJdbcPluginsOnOneSharedPool() {
    Config c =
        new PostgresJournalSettings("jdbc:postgresql://127.0.0.1:54329/ferry", "ferry", "pw")
            .toConfig();
    assertThat(c.getString("pekko.persistence.journal.plugin")).isEqualTo("jdbc-journal");
    assertThat(c.getString("pekko.persistence.snapshot-store.plugin"))
        .isEqualTo("jdbc-snapshot-store");
    for (String plugin :
        new String[] {"jdbc-journal", "jdbc-snapshot-store", "jdbc-read-journal"}) {
      assertThat(c.getString(plugin + ".use-shared-db")).isEqualTo("ferry");
    }
    Config db = c.getConfig("pekko-persistence-jdbc.shared-databases.ferry");
    assertThat(db.getString("profile")).isEqualTo("slick.jdbc.PostgresProfile$");
    assertThat(db.getString("db.url")).isEqualTo("jdbc:postgresql://127.0.0.1:54329/ferry");
    assertThat(db.getString("db.user")).isEqualTo("ferry");
    assertThat(db.getString("db.password")).isEqualTo("pw");
    assertThat(db.getInt("db.maxConnections")).isEqualTo(8);
  }

  @Test
  void postgresRejectsAnUrlOfAnotherDatabaseNamingIt() {
    assertThatThrownBy(() -> new PostgresJournalSettings("jdbc:mysql://db/ferry", "ferry", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql:")
        .hasMessageContaining("jdbc:mysql://db/ferry");
  }

  @Test
  void postgresNeverShowsItsPassword() {
    var s = new PostgresJournalSettings("jdbc:postgresql://h/ferry", "ferry", "secret");
    assertThat(s.toString()).doesNotContain("secret");
    assertThat(s.describe()).doesNotContain("secret");
  }

  @Test
  void levelDbIsNotSharedAndReadsWithTheLevelDbQueryPlugin() {
    JournalSettings s = LevelDbJournalSettings.under(Path.of("/data/ferry"));
    assertThat(s.shared()).isFalse();
    assertThat(s.readJournalPluginId()).isEqualTo("pekko.persistence.query.journal.leveldb");
    assertThat(s.toConfig().getString("pekko.persistence.journal.leveldb.dir"))
        .isEqualTo(Path.of("/data/ferry/journal").toString());
    assertThat(new PostgresJournalSettings("jdbc:postgresql://h/f", "u", "").shared()).isTrue();
  }
}
