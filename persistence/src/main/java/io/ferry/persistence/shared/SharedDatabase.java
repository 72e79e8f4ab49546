package io.ferry.persistence.shared;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ferry.persistence.journal.PostgresJournalSettings;
import javax.sql.DataSource;

/**
 * The PostgreSQL database a cluster's members share besides the journal, as a small connection pool
 * (HikariCP, the pool pekko-persistence-jdbc already runs for the journal): the block store and the
 * payment ledgers draw on it. Its tables are created with the journal's ({@code
 * PostgresJournalSettings.prepare}). A connection that cannot be had within {@code 5 s} fails the
 * call that wanted it with the database's reason; nothing waits forever while PostgreSQL is down.
 */
public final class SharedDatabase implements AutoCloseable {
  private final HikariDataSource pool;
  private final String description;

  private SharedDatabase(HikariDataSource pool, String description) {
    this.pool = pool;
    this.description = description;
  }

  /**
   * A pool of {@code size} connections to the journal's database (none is opened before it is
   * needed, so a member starts while PostgreSQL is still coming up).
   */
  public static SharedDatabase open(PostgresJournalSettings db, int size) {
    HikariConfig c = new HikariConfig();
    c.setPoolName("ferry-shared");
    c.setJdbcUrl(db.url());
    c.setUsername(db.user());
    c.setPassword(db.password());
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(0);
    c.setConnectionTimeout(5_000);
    c.setValidationTimeout(2_000);
    c.setInitializationFailTimeout(-1);
    c.setAutoCommit(true);
    return new SharedDatabase(new HikariDataSource(c), db.describe());
  }

  /** The pool, as a plain JDBC data source. */
  public DataSource dataSource() {
    return pool;
  }

  /** The pool's connections right now. */
  public record PoolStats(int active, int idle, int waiting) {}

  /** The pool's connections right now (all 0 before the pool first connected). */
  public PoolStats stats() {
    var bean = pool.getHikariPoolMXBean();
    if (bean == null) {
      return new PoolStats(0, 0, 0);
    }
    return new PoolStats(
        bean.getActiveConnections(),
        bean.getIdleConnections(),
        bean.getThreadsAwaitingConnection());
  }

  /** The database in the user's terms, for messages. */
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    pool.close();
  }
}
