package io.ferry.validators.journal;

import io.ferry.validators.VoucherCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * A ledger's entries in a database the members of a cluster share (PostgreSQL, table {@value
 * #TABLE}: one row per entry, CBOR as the file journal writes it, ordered by a sequence), so that a
 * channel that moves to another member finds its payments there: the nonces used, the budget spent,
 * what was sent and paid.
 *
 * <p>Every {@link #exclusive} decision is one transaction that first takes a PostgreSQL advisory
 * lock named after the ledger (members take turns), folds in the entries appended since this
 * process last read (another member's), then lets the decision append; its entries are committed
 * before it returns. A transaction that fails after the decision changed the books in memory (the
 * database went away, say) leaves them stale: the next decision replays the whole ledger from the
 * table before it runs. Reads {@link #refresh} without the lock and keep what they knew when the
 * database cannot be reached.
 *
 * @param <E> the entries' type
 */
public final class SqlJournal<E> implements EntryLog<E> {
  /** The table ({@code PostgresJournalSettings.prepare} creates it with the journal's). */
  public static final String TABLE = "ferry_ledger_entries";

  private final DataSource db;
  private final String ledger;
  private final Class<E> type;
  private final Consumer<? super E> fold;
  private final Runnable reset;
  private final long lockKey;
  private final VoucherCodec codec = VoucherCodec.standard();
  private long lastSeq;
  private long entries;
  private boolean stale;
  private Connection current;
  private boolean appendedInCurrent;

  private SqlJournal(
      DataSource db, String ledger, Class<E> type, Consumer<? super E> fold, Runnable reset) {
    this.db = db;
    this.ledger = ledger;
    this.type = type;
    this.fold = fold;
    this.reset = reset;
    this.lockKey = 0x4665727279L << 32 | (ledger.hashCode() & 0xffffffffL);
  }

  /**
   * Opens the ledger named {@code ledger} (e.g. {@code paid-retrieval/client}) and folds every
   * entry it holds into {@code fold}; {@code reset} clears what {@code fold} built, before the
   * ledger is read again from the start.
   *
   * @throws IllegalStateException when the database cannot be read
   */
  public static <E> SqlJournal<E> open(
      DataSource db, String ledger, Class<E> type, Consumer<? super E> fold, Runnable reset) {
    SqlJournal<E> journal = new SqlJournal<>(db, ledger, type, fold, reset);
    synchronized (journal) {
      try (Connection c = db.getConnection()) {
        journal.catchUp(c);
      } catch (SQLException e) {
        throw journal.failure("read", e);
      }
    }
    return journal;
  }

  @Override
  public synchronized <T> T exclusive(Supplier<T> decision) {
    if (current != null) {
      return decision.get();
    }
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      current = c;
      appendedInCurrent = false;
      try {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
          lock.setLong(1, lockKey);
          lock.executeQuery().close();
        }
        catchUp(c);
        T result = decision.get();
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // the connection is gone; the transaction went with it
        }
        if (appendedInCurrent) {
          stale = true;
        }
        throw e;
      } finally {
        current = null;
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("update", e);
    }
  }

  @Override
  public synchronized void refresh() {
    if (current != null) {
      return;
    }
    try (Connection c = db.getConnection()) {
      catchUp(c);
    } catch (SQLException e) {
      // keep what is known: decisions read the ledger again inside their transaction
    }
  }

  @Override
  public synchronized void append(E entry) {
    if (current == null) {
      exclusive(
          () -> {
            insert(entry);
            return null;
          });
      return;
    }
    insert(entry);
  }

  @Override
  public void appendBuffered(E entry) {
    append(entry);
  }

  @Override
  public synchronized long entries() {
    return entries;
  }

  private void insert(E entry) {
    try (PreparedStatement s =
        current.prepareStatement(
            "INSERT INTO " + TABLE + " (ledger, entry) VALUES (?, ?) RETURNING seq")) {
      s.setString(1, ledger);
      s.setBytes(2, codec.encode(entry));
      try (ResultSet r = s.executeQuery()) {
        r.next();
        lastSeq = r.getLong(1);
      }
      entries++;
      appendedInCurrent = true;
    } catch (SQLException e) {
      throw failure("append to", e);
    }
  }

  /** Folds in the entries after the last one read (all of them when the books are stale). */
  private void catchUp(Connection c) throws SQLException {
    if (stale) {
      reset.run();
      lastSeq = 0;
      entries = 0;
      stale = false;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT seq, entry FROM " + TABLE + " WHERE ledger = ? AND seq > ? ORDER BY seq")) {
      s.setString(1, ledger);
      s.setLong(2, lastSeq);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          long seq = r.getLong(1);
          fold.accept(codec.decode(r.getBytes(2), type));
          lastSeq = seq;
          entries++;
        }
      }
    }
  }

  private IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException(
        "could not " + what + " the shared ledger " + ledger + ": " + e.getMessage(), e);
  }

  /** Nothing to release: the pool belongs to the node. */
  @Override
  public void close() {}
}
