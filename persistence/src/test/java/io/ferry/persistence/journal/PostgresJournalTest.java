package io.ferry.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL journal against a real PostgreSQL (started by {@code scripts/postgres.sh}; the
 * tests fail when it cannot be had, unless {@code -Dferry.skipPostgres=true}).
 */
class PostgresJournalTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static TestPostgres.Database db;

  @BeforeAll
  static void database() throws Exception {
    db = TestPostgres.freshDatabase();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  private static PostgresJournalSettings journal() {
    return new PostgresJournalSettings(db.url(), db.user(), db.password(), 4, true);
  }

  private static ActorTestKit system(String name, JournalSettings journal) throws Exception {
    Config config =
        ConfigFactory.parseString("pekko.loglevel = WARNING")
            .withFallback(journal.toConfig())
            .withFallback(ConfigFactory.load());
    ActorTestKit kit = ActorTestKit.create(name, config);
    journal.prepare(kit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
    return kit;
  }

  private static Tally.State ask(
      ActorTestKit kit,
      ActorRef<Tally.Command> tally,
      java.util.function.Function<ActorRef<Tally.State>, Tally.Command> command) {
    TestProbe<Tally.State> probe = kit.createTestProbe();
    tally.tell(command.apply(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  @Test
  void eventsWrittenByOneActorSystemAreRecoveredByAnother() throws Exception {
    ActorTestKit first = system("first", journal());
    try {
      ActorRef<Tally.Command> tally = first.spawn(Tally.create("round-trip"));
      ask(first, tally, r -> new Tally.Add(3, r));
      ask(first, tally, r -> new Tally.Add(4, r));
      assertThat(ask(first, tally, r -> new Tally.Add(5, r))).isEqualTo(new Tally.State(12, 3));
    } finally {
      first.shutdownTestKit();
    }

    ActorTestKit second = system("second", journal());
    try {
      ActorRef<Tally.Command> tally = second.spawn(Tally.create("round-trip"));
      assertThat(ask(second, tally, Tally.Get::new)).isEqualTo(new Tally.State(12, 3));

      CurrentEventsByTagQuery query =
          PersistenceQuery.get(second.system())
              .getReadJournalFor(CurrentEventsByTagQuery.class, journal().readJournalPluginId());
      List<EventEnvelope> tagged =
          query
              .currentEventsByTag(Tally.TAG, Offset.noOffset())
              .filter(e -> e.persistenceId().equals("Tally|round-trip"))
              .runFold(
                  new java.util.ArrayList<EventEnvelope>(),
                  (all, e) -> {
                    all.add(e);
                    return all;
                  },
                  second.system())
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
      assertThat(tagged)
          .extracting(EventEnvelope::event)
          .containsExactly(new Tally.Added(3), new Tally.Added(4), new Tally.Added(5));
    } finally {
      second.shutdownTestKit();
    }
    assertThat(rows("SELECT count(*) FROM snapshot WHERE persistence_id = 'Tally|round-trip'"))
        .as("a snapshot every 2 events")
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void preparingAgainLeavesTablesAndEventsInPlace() throws Exception {
    ActorTestKit kit = system("again", journal());
    try {
      ActorRef<Tally.Command> tally = kit.spawn(Tally.create("kept"));
      ask(kit, tally, r -> new Tally.Add(1, r));
      journal().prepare(kit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
      journal().prepare(kit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      kit.shutdownTestKit();
    }
    assertThat(rows("SELECT count(*) FROM event_journal WHERE persistence_id = 'Tally|kept'"))
        .isEqualTo(1);
  }

  @Test
  void membersPreparingAnEmptyDatabaseAtOnceAllSucceedWithThePluginsOwnTables() throws Exception {
    try (TestPostgres.Database empty = TestPostgres.freshDatabase()) {
      PostgresJournalSettings shared =
          new PostgresJournalSettings(empty.url(), empty.user(), empty.password(), 1, true);
      ActorTestKit kit =
          ActorTestKit.create(
              "at-once",
              ConfigFactory.parseString("pekko.loglevel = OFF")
                  .withFallback(shared.toConfig())
                  .withFallback(ConfigFactory.load()));
      try {
        List<java.util.concurrent.CompletableFuture<Void>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
          all.add(shared.prepare(kit.system()).toCompletableFuture());
        }
        java.util.concurrent.CompletableFuture.allOf(
                all.toArray(new java.util.concurrent.CompletableFuture[0]))
            .get(90, TimeUnit.SECONDS);
      } finally {
        kit.shutdownTestKit();
      }
      try (Connection c = DriverManager.getConnection(empty.url(), empty.user(), empty.password());
          Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT count(*) FROM pg_indexes WHERE indexname IN"
                      + " ('event_journal_ordering_idx', 'state_tag_idx',"
                      + " 'state_global_offset_idx')")) {
        r.next();
        assertThat(r.getLong(1)).as("the plugin's indexes, each created once").isEqualTo(3);
      }
    }
    assertThat(PostgresSchema.statements())
        .allSatisfy(s -> assertThat(s).containsIgnoringCase("IF NOT EXISTS"));
  }

  @Test
  void aWrongPasswordFailsPreparationNamingTheJournal() throws Exception {
    PostgresJournalSettings wrong =
        new PostgresJournalSettings(db.url(), db.user(), db.password() + "-wrong", 1, true);
    ActorTestKit kit =
        ActorTestKit.create(
            "wrong",
            ConfigFactory.parseString("pekko.loglevel = OFF")
                .withFallback(wrong.toConfig())
                .withFallback(ConfigFactory.load()));
    try {
      assertThatThrownBy(
              () -> wrong.prepare(kit.system()).toCompletableFuture().get(90, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("could not prepare the PostgreSQL journal at " + db.url())
          .hasMessageContaining("password authentication failed");
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void withoutSchemaCreationAnEmptyDatabaseIsRefusedNamingTheMissingTables() throws Exception {
    try (TestPostgres.Database empty = TestPostgres.freshDatabase()) {
      PostgresJournalSettings manual =
          new PostgresJournalSettings(empty.url(), empty.user(), empty.password(), 1, false);
      ActorTestKit kit =
          ActorTestKit.create(
              "manual",
              ConfigFactory.parseString("pekko.loglevel = OFF")
                  .withFallback(manual.toConfig())
                  .withFallback(ConfigFactory.load()));
      try {
        assertThatThrownBy(
                () -> manual.prepare(kit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasMessageContaining("lacks the tables [event_journal, event_tag, snapshot]");
      } finally {
        kit.shutdownTestKit();
      }
    }
  }

  private static long rows(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
