package io.ferry.persistence.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;

/**
 * A journal, snapshot store and read journal in PostgreSQL through {@code pekko-persistence-jdbc}:
 * what the members of a Ferry cluster share. All three plugins use one connection pool per actor
 * system (the shared database {@value #SHARED_DB}). The tables are pekko-persistence-jdbc's own
 * ({@code event_journal}, {@code event_tag}, {@code snapshot}); {@link #prepare} creates them when
 * they are missing, or with {@code createSchema} off only checks that they are there.
 *
 * @param url JDBC URL, {@code jdbc:postgresql://host:port/database}
 * @param user database role
 * @param password that role's password (may be empty when the server trusts the connection)
 * @param maxConnections connections in the pool (per actor system)
 * @param createSchema whether {@link #prepare} creates missing tables (else it only checks them)
 */
public record PostgresJournalSettings(
    String url, String user, String password, int maxConnections, boolean createSchema)
    implements JournalSettings {

  /** The name of the pool the journal, snapshot store and read journal share. */
  public static final String SHARED_DB = "ferry";

  /** The read journal's plugin id ({@code JdbcReadJournal.Identifier()}). */
  public static final String READ_JOURNAL = "jdbc-read-journal";

  /** How often the read journal looks for new events (events by tag, SSE). */
  private static final Duration REFRESH = Duration.ofMillis(500);

  public PostgresJournalSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "a PostgreSQL journal needs a jdbc:postgresql: URL, e.g."
              + " jdbc:postgresql://127.0.0.1:5432/ferry; was '"
              + url
              + "'");
    }
    if (user.isBlank()) {
      throw new IllegalArgumentException("a PostgreSQL journal needs a database user");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "the PostgreSQL pool needs at least one connection, was " + maxConnections);
    }
  }

  /** A journal with a pool of 8 connections that creates its tables when missing. */
  public PostgresJournalSettings(String url, String user, String password) {
    this(url, user, password, 8, true);
  }

  @Override
  public Config toConfig() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pekko.persistence.journal.plugin", "jdbc-journal");
    m.put("pekko.persistence.snapshot-store.plugin", "jdbc-snapshot-store");
    String db = "pekko-persistence-jdbc.shared-databases." + SHARED_DB;
    m.put(db + ".profile", "slick.jdbc.PostgresProfile$");
    m.put(db + ".db.url", url);
    m.put(db + ".db.user", user);
    m.put(db + ".db.password", password);
    m.put(db + ".db.driver", "org.postgresql.Driver");
    m.put(db + ".db.connectionPool", "HikariCP");
    m.put(db + ".db.numThreads", maxConnections);
    m.put(db + ".db.maxConnections", maxConnections);
    m.put(db + ".db.minConnections", 1);
    m.put(db + ".db.connectionTimeout", "30s");
    for (String plugin : new String[] {"jdbc-journal", "jdbc-snapshot-store", READ_JOURNAL}) {
      m.put(plugin + ".use-shared-db", SHARED_DB);
    }
    m.put(READ_JOURNAL + ".refresh-interval", REFRESH.toMillis() + "ms");
    // The read model's first query asks the journal's sequence actor for the highest ordering; the
    // plugin gives it 1 s, and on a loaded machine (load average 44, three members starting) the
    // actor answered later and the member refused to start ("cannot start the node: Ask timed out
    // on ... journal-sequence-actor after [1000 ms]", following docs/operations.md by hand).
    m.put(READ_JOURNAL + ".journal-sequence-retrieval.ask-timeout", "10s");
    return ConfigFactory.parseMap(m, "PostgresJournalSettings");
  }

  @Override
  public String readJournalPluginId() {
    return READ_JOURNAL;
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public CompletionStage<Void> prepare(ClassicActorSystemProvider system) {
    return createSchema
        ? PostgresSchema.createIfNotExists(system, this)
        : PostgresSchema.requireExisting(system, this);
  }

  /**
   * What {@link #prepare} does, on the calling thread: creates the journal's and Ferry's shared
   * tables where missing (with {@code createSchema} off, only checks the journal's), for what must
   * use them before the actor system starts (the shared block store and ledgers) and for tests.
   */
  public void prepareNow() {
    try {
      if (createSchema) {
        PostgresSchema.create(this);
      } else {
        PostgresSchema.requireConnection(this);
        PostgresSchema.requireTables(this);
      }
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Override
  public String describe() {
    return "PostgreSQL journal at " + url + " as " + user;
  }

  /** Hides the password. */
  @Override
  public String toString() {
    return "PostgresJournalSettings[url="
        + url
        + ", user="
        + user
        + ", password="
        + (password.isEmpty() ? "" : "***")
        + ", maxConnections="
        + maxConnections
        + ", createSchema="
        + createSchema
        + "]";
  }
}
