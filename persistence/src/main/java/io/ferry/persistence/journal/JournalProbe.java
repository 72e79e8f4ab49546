package io.ferry.persistence.journal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether a PostgreSQL journal answers, as {@code /readyz} reports it: {@link #check()} connects
 * once (5 s at most) and asks the server whether the connection is valid; {@link #lastProblem()} is
 * what the last check found (empty when the journal answered). Blocking: run {@link #check()} off
 * the actor threads, on a schedule.
 */
public final class JournalProbe {
  private final PostgresJournalSettings journal;
  private final AtomicReference<Optional<String>> problem = new AtomicReference<>(Optional.empty());

  public JournalProbe(PostgresJournalSettings journal) {
    this.journal = journal;
  }

  /** Checks the journal now and remembers the outcome. */
  public void check() {
    DriverManager.setLoginTimeout(5);
    try (Connection c =
        DriverManager.getConnection(journal.url(), journal.user(), journal.password())) {
      problem.set(
          c.isValid(5) ? Optional.empty() : Optional.of("the journal's server did not answer"));
    } catch (SQLException e) {
      problem.set(Optional.of("the " + journal.describe() + " is unreachable: " + e.getMessage()));
    }
  }

  /** Empty when the last check reached the journal; else what went wrong. */
  public Optional<String> lastProblem() {
    return problem.get();
  }
}
