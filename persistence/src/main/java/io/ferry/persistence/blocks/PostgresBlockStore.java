package io.ferry.persistence.blocks;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.BlockStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A block store in PostgreSQL, table {@value #TABLE} (created with the journal's tables), that the
 * members of a cluster share: a block one member stored is there for every other, so a channel that
 * moves to another member resumes after the blocks already stored, and any member exports any DAG.
 * Each {@link #putAll} is one transaction (all blocks or none; a block already held is skipped with
 * {@code ON CONFLICT DO NOTHING}), committed before it returns, so PostgreSQL's write-ahead log
 * makes a stored batch survive a crash of the member or of the database. Bodies are stored
 * uncompressed ({@code STORAGE EXTERNAL}).
 *
 * <p>The store counts, for this process, the blocks its writes added and those they found held
 * already ({@link #writes()}): a channel that resumes elsewhere without fetching stored blocks
 * again finds (almost) none held.
 */
public final class PostgresBlockStore implements BlockStore {
  /** The table. */
  public static final String TABLE = "ferry_blocks";

  /** What this process's writes did. */
  public record Writes(long added, long alreadyHeld) {}

  /** How long a write waits for an unreachable database unless told otherwise. */
  public static final Duration DEFAULT_OUTAGE_WAIT = Duration.ofMinutes(5);

  private static final Duration RETRY = Duration.ofSeconds(1);

  private final DataSource db;
  private final String description;
  private final Duration outageWait;
  private final AtomicLong added = new AtomicLong();
  private final AtomicLong alreadyHeld = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param db the cluster's shared database
   * @param description the database in the user's terms, for messages
   */
  public PostgresBlockStore(DataSource db, String description) {
    this(db, description, DEFAULT_OUTAGE_WAIT);
  }

  /**
   * @param db the cluster's shared database
   * @param description the database in the user's terms, for messages
   * @param outageWait how long a write waits for an unreachable database before it fails
   */
  public PostgresBlockStore(DataSource db, String description, Duration outageWait) {
    this.db = db;
    this.description = description;
    this.outageWait = outageWait;
  }

  /** The blocks this process's writes added, and those they found already stored. */
  public Writes writes() {
    return new Writes(added.get(), alreadyHeld.get());
  }

  @Override
  public Optional<Block> get(Cid cid) {
    return query(
        "read " + cid,
        "SELECT data FROM " + TABLE + " WHERE cid = ?",
        cid,
        r -> Block.trusted(cid, r.getBytes(1)));
  }

  @Override
  public boolean has(Cid cid) {
    return query("look up " + cid, "SELECT 1 FROM " + TABLE + " WHERE cid = ?", cid, r -> true)
        .isPresent();
  }

  @Override
  public OptionalLong sizeOf(Cid cid) {
    return query(
            "look up " + cid,
            "SELECT size FROM " + TABLE + " WHERE cid = ?",
            cid,
            r -> r.getLong(1))
        .map(OptionalLong::of)
        .orElse(OptionalLong.empty());
  }

  @Override
  public void put(Block block) {
    putAll(List.of(block));
  }

  /**
   * Stores the batch in one transaction. While PostgreSQL cannot be reached the write waits and
   * tries again (every second, for up to {@link #outageWait}), so that a receiving channel stops
   * moving data during an outage rather than fail: its sender runs out of credit and waits too.
   */
  @Override
  public void putAll(List<Block> blocks) {
    requireOpen();
    if (blocks.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + outageWait.toNanos();
    while (true) {
      try {
        write(blocks);
        return;
      } catch (SQLException e) {
        if (!unreachable(e) || System.nanoTime() > deadline || closed) {
          throw failure("store " + blocks.size() + " blocks", e);
        }
      }
      try {
        Thread.sleep(RETRY.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BlockStoreException("interrupted while the " + description + " was down", e);
      }
    }
  }

  /** Whether {@code e} says the database cannot be reached now (rather than refusing the write). */
  static boolean unreachable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException q && q.getSQLState() != null) {
        String state = q.getSQLState();
        // 08: connection exceptions; 57P01-57P03: the server shuts down or is starting up.
        if (state.startsWith("08") || state.startsWith("57P")) {
          return true;
        }
      }
    }
    return false;
  }

  private void write(List<Block> blocks) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO "
                  + TABLE
                  + " (cid, size, data) VALUES (?, ?, ?) ON CONFLICT (cid) DO NOTHING")) {
        for (Block b : blocks) {
          s.setBytes(1, b.cid().toBytes());
          s.setInt(2, b.size());
          s.setBytes(3, b.data());
          s.addBatch();
        }
        long fresh = 0;
        for (int n : s.executeBatch()) {
          fresh += n > 0 ? 1 : 0;
        }
        c.commit();
        added.addAndGet(fresh);
        alreadyHeld.addAndGet(blocks.size() - fresh);
      } catch (SQLException e) {
        try {
          c.rollback();
        } catch (SQLException gone) {
          e.addSuppressed(gone);
        }
        throw e;
      }
    }
  }

  @Override
  public void delete(Cid cid) {
    requireOpen();
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM " + TABLE + " WHERE cid = ?")) {
      s.setBytes(1, cid.toBytes());
      s.executeUpdate();
    } catch (SQLException e) {
      throw failure("delete " + cid, e);
    }
  }

  @Override
  public long count() {
    return aggregate("count(*)");
  }

  @Override
  public long sizeBytes() {
    return aggregate("coalesce(sum(size), 0)");
  }

  private long aggregate(String expression) {
    requireOpen();
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + expression + " FROM " + TABLE);
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw failure("count the blocks", e);
    }
  }

  private interface Row<T> {
    T read(ResultSet r) throws SQLException;
  }

  private <T> Optional<T> query(String what, String sql, Cid cid, Row<T> row) {
    requireOpen();
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setBytes(1, cid.toBytes());
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(row.read(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private BlockStoreException failure(String what, SQLException e) {
    return new BlockStoreException(
        "could not " + what + " in the block store of the " + description + ": " + e.getMessage(),
        e);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the block store of the " + description + " is closed");
    }
  }

  /** Marks the store closed; the pool belongs to its owner, who closes it. */
  @Override
  public void close() {
    closed = true;
  }
}
