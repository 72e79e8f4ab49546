package io.ferry.persistence.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.ClassicActorSystemProvider;

/**
 * Creates pekko-persistence-jdbc's tables in PostgreSQL when they are missing, then checks that
 * they are there. The DDL is the one the plugin publishes in its jar ({@value #DDL}: {@code
 * event_journal}, {@code event_tag}, {@code snapshot}, {@code durable_state}), applied statement by
 * statement over plain JDBC (not through the plugin's testkit). Its {@code CREATE INDEX} statements
 * lack {@code IF NOT EXISTS}, which is added (and {@code CONCURRENTLY}, which would deadlock with a
 * member waiting for the lock, is dropped), so running it at every start is safe; members starting
 * at once take turns under a PostgreSQL advisory lock, so two never race on the same {@code CREATE
 * TABLE}. The check afterwards turns "the role may not create tables" into a clear error.
 */
final class PostgresSchema {
  /** The tables the journal, snapshot store and read journal use. */
  static final List<String> TABLES = List.of("event_journal", "event_tag", "snapshot");

  /**
   * Ferry's own tables beside the plugin's, what cluster members share besides the journal: the
   * peer address book ({@code io.ferry.persistence.shared.PeerAddressBook}), the block store
   * ({@code io.ferry.persistence.blocks.PostgresBlockStore}; block bodies are stored as they are,
   * never compressed: they are hashed data, mostly incompressible) and the payment ledgers' entries
   * ({@code io.ferry.validators.journal.SqlJournal}, one row per entry, in order).
   */
  static final List<String> FERRY_DDL =
      List.of(
          "CREATE TABLE IF NOT EXISTS ferry_peer_addresses (peer_id VARCHAR(128) PRIMARY KEY,"
              + " address VARCHAR(1024) NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())",
          "CREATE TABLE IF NOT EXISTS ferry_blocks (cid BYTEA PRIMARY KEY,"
              + " size INTEGER NOT NULL, data BYTEA NOT NULL)",
          "ALTER TABLE ferry_blocks ALTER COLUMN data SET STORAGE EXTERNAL",
          "CREATE TABLE IF NOT EXISTS ferry_ledger_entries (seq BIGSERIAL PRIMARY KEY,"
              + " ledger VARCHAR(200) NOT NULL, entry BYTEA NOT NULL)",
          "CREATE INDEX IF NOT EXISTS ferry_ledger_entries_ledger"
              + " ON ferry_ledger_entries (ledger, seq)");

  /** The plugin's own DDL for PostgreSQL, a resource of its jar. */
  static final String DDL = "schema/postgres/postgres-create-schema.sql";

  /** The advisory lock members take while they create the schema (any fixed number will do). */
  private static final long LOCK = 0x466572727953L; // "FerryS"

  private PostgresSchema() {}

  /** The journal's tables, created where missing. */
  static CompletionStage<Void> createIfNotExists(
      ClassicActorSystemProvider system, PostgresJournalSettings journal) {
    Executor blocking =
        system.classicSystem().dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
    return CompletableFuture.runAsync(() -> create(journal), blocking);
  }

  /** The journal's tables and Ferry's, created where missing, on the calling thread. */
  static void create(PostgresJournalSettings journal) {
    requireConnection(journal);
    List<String> all = new ArrayList<>(statements());
    all.addAll(FERRY_DDL);
    apply(journal, all);
    requireTables(journal);
  }

  /** The plugin's DDL as single statements, every {@code CREATE INDEX} made idempotent. */
  static List<String> statements() {
    String sql;
    try (InputStream in = PostgresSchema.class.getClassLoader().getResourceAsStream(DDL)) {
      if (in == null) {
        throw new IllegalStateException(
            "pekko-persistence-jdbc's " + DDL + " is not on the class path");
      }
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("could not read " + DDL + ": " + e.getMessage(), e);
    }
    List<String> out = new ArrayList<>();
    for (String statement : sql.split(";")) {
      String s = statement.strip();
      if (s.isEmpty()) {
        continue;
      }
      // CONCURRENTLY waits for every other transaction, also a member's waiting for the lock
      // (a deadlock); on a table being created it saves nothing.
      s =
          s.replaceFirst(
              "(?i)^CREATE (UNIQUE )?INDEX (CONCURRENTLY )?(?!IF NOT EXISTS)",
              "CREATE $1INDEX IF NOT EXISTS ");
      out.add(s);
    }
    return out;
  }

  /** Runs the statements under the advisory lock, each in its own transaction. */
  private static void apply(PostgresJournalSettings journal, List<String> statements) {
    try (Connection c =
            DriverManager.getConnection(journal.url(), journal.user(), journal.password());
        Statement st = c.createStatement()) {
      c.setAutoCommit(true);
      st.execute("SELECT pg_advisory_lock(" + LOCK + ")");
      try {
        for (String s : statements) {
          st.execute(s);
        }
      } finally {
        st.execute("SELECT pg_advisory_unlock(" + LOCK + ")");
      }
    } catch (SQLException e) {
      throw new CompletionException(failure(journal, e));
    }
  }

  /**
   * Only checks that the server answers and the tables are there (the schema is managed by hand).
   */
  static CompletionStage<Void> requireExisting(
      ClassicActorSystemProvider system, PostgresJournalSettings journal) {
    Executor blocking =
        system.classicSystem().dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
    return CompletableFuture.runAsync(
        () -> {
          requireConnection(journal);
          requireTables(journal);
        },
        blocking);
  }

  /**
   * Connects once without the pool, so that a wrong URL, password or an unreachable server fails at
   * once with the driver's own words rather than after the pool's timeout.
   */
  static void requireConnection(PostgresJournalSettings journal) {
    try (Connection c =
        DriverManager.getConnection(journal.url(), journal.user(), journal.password())) {
      c.isValid(5);
    } catch (SQLException e) {
      throw new CompletionException(failure(journal, e));
    }
  }

  /** Fails naming every missing table. */
  static void requireTables(PostgresJournalSettings journal) {
    List<String> missing = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(journal.url(), journal.user(), journal.password());
        PreparedStatement q = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      for (String table : TABLES) {
        q.setString(1, table);
        try (ResultSet r = q.executeQuery()) {
          if (!r.next() || !r.getBoolean(1)) {
            missing.add(table);
          }
        }
      }
    } catch (SQLException e) {
      throw new CompletionException(failure(journal, e));
    }
    if (!missing.isEmpty()) {
      throw new CompletionException(
          new IllegalStateException(
              "the "
                  + journal.describe()
                  + " lacks the tables "
                  + missing
                  + " and could not create them: let role "
                  + journal.user()
                  + " create tables in the database, or apply pekko-persistence-jdbc's"
                  + " schema/postgres/postgres-create-schema.sql by hand"));
    }
  }

  private static IllegalStateException failure(PostgresJournalSettings journal, Throwable cause) {
    return new IllegalStateException(
        "could not prepare the " + journal.describe() + ": " + cause.getMessage(), cause);
  }
}
