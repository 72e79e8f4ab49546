package io.ferry.persistence.journal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/**
 * Creates pekko-persistence-jdbc's tables in PostgreSQL when they are missing, then checks that
 * they are there. The DDL is the one the plugin publishes in its jar ({@code
 * schema/postgres/postgres-create-schema.sql}: {@code event_journal}, {@code event_tag}, {@code
 * snapshot}, {@code durable_state}); {@code SchemaUtils.createIfNotExists} applies it statement by
 * statement and passes over what already exists, so running it at every start is safe, also from
 * several members at once. Because it passes over every failing statement, the check afterwards is
 * what turns "the role may not create tables" into a clear error.
 */
final class PostgresSchema {
  /** The tables the journal, snapshot store and read journal use. */
  static final List<String> TABLES = List.of("event_journal", "event_tag", "snapshot");

  private PostgresSchema() {}

  /** The journal's tables, created on the journal's connection pool where missing. */
  static CompletionStage<Void> createIfNotExists(
      ClassicActorSystemProvider system, PostgresJournalSettings journal) {
    Executor blocking =
        system.classicSystem().dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
    return CompletableFuture.runAsync(() -> requireConnection(journal), blocking)
        .thenCompose(ok -> SchemaUtils.createIfNotExists("jdbc-journal", system))
        .handle(
            (ok, error) -> {
              if (error != null) {
                Throwable cause = unwrap(error);
                throw new CompletionException(
                    cause instanceof IllegalStateException ? cause : failure(journal, cause));
              }
              return null;
            })
        .thenRunAsync(() -> requireTables(journal), blocking);
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

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
