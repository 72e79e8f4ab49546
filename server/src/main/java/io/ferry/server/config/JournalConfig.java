package io.ferry.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ferry.persistence.journal.JournalSettings;
import io.ferry.persistence.journal.LevelDbJournalSettings;
import io.ferry.persistence.journal.PostgresJournalSettings;
import java.nio.file.Path;

/** Reads {@code ferry.journal}: which journal a node writes its channels' events to. */
final class JournalConfig {
  private JournalConfig() {}

  /**
   * LevelDB under the home directory, or a shared PostgreSQL journal.
   *
   * @param c the {@code ferry.journal} subtree
   */
  static JournalSettings read(Config c, Path journalDir, Path snapshotDir) {
    String kind = c.getString("kind");
    switch (kind) {
      case "leveldb":
        return new LevelDbJournalSettings(journalDir, snapshotDir);
      case "postgres":
        Config p = c.getConfig("postgres");
        String url = p.getString("url");
        if (url.isBlank()) {
          throw new ConfigException.BadValue(
              p.getValue("url").origin(),
              "ferry.journal.postgres.url",
              "must be set when ferry.journal.kind = postgres"
                  + " (e.g. jdbc:postgresql://127.0.0.1:54329/ferry)");
        }
        try {
          return new PostgresJournalSettings(
              url,
              p.getString("user"),
              p.getString("password"),
              Bounded.positive(p, "max-connections"),
              p.getBoolean("create-schema"));
        } catch (IllegalArgumentException e) {
          throw new ConfigException.BadValue(
              p.getValue("url").origin(), "ferry.journal.postgres", e.getMessage());
        }
      default:
        throw new ConfigException.BadValue(
            c.getValue("kind").origin(),
            "ferry.journal.kind",
            "must be leveldb or postgres, was '" + kind + "'");
    }
  }
}
