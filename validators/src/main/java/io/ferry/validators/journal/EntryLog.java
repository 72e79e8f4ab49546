package io.ferry.validators.journal;

import java.io.Closeable;
import java.util.function.Supplier;

/**
 * Where a ledger keeps its entries: an append-only log replayed in order into the ledger's books.
 * One process owns a {@link Journal} file; the members of a cluster share a {@link SqlJournal}, and
 * then every decision a ledger takes runs in {@link #exclusive}: it first folds in what the other
 * members appended, and no other member appends until it is done, so two members never hand out the
 * same nonce or spend the same budget twice.
 *
 * @param <E> the entries' type (a Jackson-serializable sealed interface of records)
 */
public interface EntryLog<E> extends Closeable {
  /** Appends {@code entry} and returns once it is durable. */
  void append(E entry);

  /** Appends {@code entry}; it is durable at the latest with the next {@link #append}. */
  void appendBuffered(E entry);

  /** How many entries the log holds. */
  long entries();

  /**
   * Runs {@code decision} with the books current (entries other writers appended are folded in
   * first) and with the log to itself until it returns; its appends are durable when this returns.
   * A file journal has a single writer and just runs it.
   */
  default <T> T exclusive(Supplier<T> decision) {
    return decision.get();
  }

  /** Folds in what other writers appended since, for a read; a file journal has none. */
  default void refresh() {}

  @Override
  void close();
}
