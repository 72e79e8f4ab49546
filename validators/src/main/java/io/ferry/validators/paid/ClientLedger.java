package io.ferry.validators.paid;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.validators.journal.EntryLog;
import io.ferry.validators.journal.Journal;
import io.ferry.validators.journal.SqlJournal;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * The client's book: the budget and, per paid channel, what was reserved, signed, acknowledged and
 * which nonce comes next, kept in {@code client.journal}. Every entry about money is on disk before
 * the client acts on it (a voucher is recorded before it is sent, so a restart never reuses a
 * nonce); a free channel's entries and a channel's end ride along with the next such sync. Replay
 * is idempotent: entries carry absolute amounts, and a voucher entry whose nonce is not new is
 * ignored.
 */
public final class ClientLedger implements Closeable {
  /** The journal's entries. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@e")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Entry.Deposited.class, name = "deposited"),
    @JsonSubTypes.Type(value = Entry.Began.class, name = "began"),
    @JsonSubTypes.Type(value = Entry.Reserved.class, name = "reserved"),
    @JsonSubTypes.Type(value = Entry.Issued.class, name = "issued"),
    @JsonSubTypes.Type(value = Entry.Acknowledged.class, name = "acknowledged"),
    @JsonSubTypes.Type(value = Entry.Ended.class, name = "ended"),
    @JsonSubTypes.Type(value = Entry.Snapshot.class, name = "snapshot")
  })
  sealed interface Entry {
    /** The budget grew to {@code budget} in all. */
    record Deposited(long budget) implements Entry {}

    /** A paid channel began on these terms. */
    record Began(ChannelId channelId, PaidRetrievalTerms terms) implements Entry {}

    /** The channel's reservation grew to {@code reserved} in all. */
    record Reserved(ChannelId channelId, long reserved) implements Entry {}

    /** A voucher with {@code nonce} for {@code cumulative} in all was signed. */
    record Issued(ChannelId channelId, long nonce, long cumulative) implements Entry {}

    /** The responder confirmed payments up to {@code acknowledged}. */
    record Acknowledged(ChannelId channelId, long acknowledged) implements Entry {}

    /** The channel ended with {@code status}. */
    record Ended(ChannelId channelId, Status status) implements Entry {}

    /** A whole account, as compaction writes it. */
    record Snapshot(ChannelId channelId, ClientAccount account) implements Entry {}
  }

  /** A journal is compacted on open once it has more entries than this and 4 per channel. */
  static final long COMPACT_AFTER = 1024;

  /** The ledger's name in a shared database. */
  static final String SHARED_NAME = "paid-retrieval/client";

  private final Map<ChannelId, ClientAccount> accounts = new HashMap<>();

  /**
   * What every account holds of the budget and has spent, summed: kept as accounts change, since a
   * node keeps every account it ever had and summing them on each decision made a channel's start
   * cost grow with the node's history (~0.15 ms per paid open after 21,000 channels, a tenth of the
   * client's CPU per channel; docs/benchmarks.md).
   */
  private long heldTotal;

  private long spentTotal;

  private long budget;
  private final EntryLog<Entry> journal;

  private ClientLedger(Path directory, long compactAfter) {
    this.journal =
        Journal.openCompacting(
            directory.resolve("client.journal"),
            Entry.class,
            this::apply,
            () -> Math.max(compactAfter, 4L * accounts.size()),
            this::snapshot,
            this::clear);
  }

  private ClientLedger(DataSource db) {
    this.journal = SqlJournal.open(db, SHARED_NAME, Entry.class, this::apply, this::clear);
  }

  private void clear() {
    accounts.clear();
    heldTotal = 0;
    spentTotal = 0;
    budget = 0;
  }

  /** The budget and every account, as the entries a compacted journal holds. */
  private List<Entry> snapshot() {
    List<Entry> snapshot = new ArrayList<>();
    snapshot.add(new Entry.Deposited(budget));
    accounts.forEach((id, account) -> snapshot.add(new Entry.Snapshot(id, account)));
    return snapshot;
  }

  /** How many entries the journal holds (after any compaction on open). */
  long journalEntries() {
    return journal.entries();
  }

  /** Opens (or creates) the ledger kept in {@code directory}. */
  public static ClientLedger open(Path directory) {
    return new ClientLedger(directory, COMPACT_AFTER);
  }

  /** As {@link #open(Path)}, compacting once the journal has more than {@code compactAfter}. */
  static ClientLedger open(Path directory, long compactAfter) {
    return new ClientLedger(directory, compactAfter);
  }

  /**
   * Opens the ledger the members of a cluster share in {@code db} (table {@value SqlJournal#TABLE},
   * ledger {@value #SHARED_NAME}): one budget, and a paid channel's nonces carry on from the last
   * voucher whichever member signed it.
   */
  public static ClientLedger shared(DataSource db) {
    return new ClientLedger(db);
  }

  /** The channels whose payments began and that have not ended, in no particular order. */
  public synchronized Set<ChannelId> runningChannels() {
    journal.refresh();
    Set<ChannelId> running = new HashSet<>();
    accounts.forEach(
        (id, account) -> {
          if (!account.ended()) {
            running.add(id);
          }
        });
    return running;
  }

  /** The budget right now. */
  public synchronized Balance balance() {
    journal.refresh();
    return books();
  }

  /** The budget as the books stand (no refresh). */
  private Balance books() {
    return new Balance(budget, heldTotal - spentTotal, spentTotal, budget - heldTotal);
  }

  /** The account of {@code channelId}, if the client began paying for it. */
  public synchronized Optional<ClientAccount> account(ChannelId channelId) {
    journal.refresh();
    return Optional.ofNullable(accounts.get(channelId));
  }

  /** Raises the budget to {@code total} (never lowers it). */
  synchronized void depositUpTo(long total) {
    journal.exclusive(
        () -> {
          if (total > budget) {
            append(new Entry.Deposited(total));
          }
          return null;
        });
  }

  synchronized void begin(ChannelId channelId, PaidRetrievalTerms terms) {
    journal.exclusive(
        () -> {
          if (accounts.containsKey(channelId)) {
            throw new IllegalStateException("payments for " + channelId + " have already begun");
          }
          append(new Entry.Began(channelId, terms));
          return null;
        });
  }

  /** What a reservation decided: made, or refused because only {@code available} was left. */
  record Reservation(boolean made, long available) {}

  /**
   * Begins the channel's payments and sets {@code amount} aside for it, if the budget has it left:
   * one decision, taken as {@link #reserveIfAvailable} takes it. Refused, nothing is recorded.
   */
  synchronized Reservation beginIfAvailable(
      ChannelId channelId, PaidRetrievalTerms terms, long amount) {
    return journal.exclusive(
        () -> {
          if (accounts.containsKey(channelId)) {
            throw new IllegalStateException("payments for " + channelId + " have already begun");
          }
          long available = books().available();
          if (amount > available) {
            return new Reservation(false, available);
          }
          append(new Entry.Began(channelId, terms));
          if (amount > 0) {
            append(new Entry.Reserved(channelId, amount));
          }
          return new Reservation(true, available - amount);
        });
  }

  /**
   * Sets aside {@code amount} more for the channel if the budget has it left. The check and the
   * reservation are one decision under the ledger's lock (shared: one PostgreSQL transaction under
   * the ledger's advisory lock, after folding in what the other members reserved), so members
   * reserving at the same moment never together exceed the budget; checked apart, each saw the
   * budget as it was before the other's reservation.
   */
  synchronized Reservation reserveIfAvailable(ChannelId channelId, long amount) {
    return journal.exclusive(
        () -> {
          ClientAccount a = require(channelId);
          long available = books().available();
          if (amount > available) {
            return new Reservation(false, available);
          }
          append(new Entry.Reserved(channelId, Math.addExact(a.reserved(), amount)));
          return new Reservation(true, available - amount);
        });
  }

  /** Sets aside {@code amount} more for the channel. */
  synchronized ClientAccount reserve(ChannelId channelId, long amount) {
    return journal.exclusive(
        () -> {
          ClientAccount a = require(channelId);
          append(new Entry.Reserved(channelId, Math.addExact(a.reserved(), amount)));
          return accounts.get(channelId);
        });
  }

  /** Records a voucher for {@code cumulative} with the next nonce; returns the nonce. */
  synchronized long issue(ChannelId channelId, long cumulative) {
    return journal.exclusive(
        () -> {
          ClientAccount a = require(channelId);
          long nonce = a.lastNonce() + 1;
          append(new Entry.Issued(channelId, nonce, cumulative));
          return nonce;
        });
  }

  synchronized ClientAccount acknowledge(ChannelId channelId, long amount) {
    return journal.exclusive(
        () -> {
          ClientAccount a = require(channelId);
          if (amount > a.acknowledged()) {
            append(new Entry.Acknowledged(channelId, amount));
          }
          return accounts.get(channelId);
        });
  }

  synchronized ClientAccount end(ChannelId channelId, Status status) {
    return journal.exclusive(
        () -> {
          ClientAccount a = require(channelId);
          if (!a.ended()) {
            append(new Entry.Ended(channelId, status));
          }
          return accounts.get(channelId);
        });
  }

  private ClientAccount require(ChannelId channelId) {
    ClientAccount a = accounts.get(channelId);
    if (a == null) {
      throw new IllegalStateException("no payments began for " + channelId);
    }
    return a;
  }

  private void append(Entry entry) {
    if (forcedAlone(entry)) {
      journal.append(entry);
    } else {
      journal.appendBuffered(entry);
    }
    apply(entry);
  }

  /**
   * Whether {@code entry} must be on disk before the client acts on it. Not so for the entries of a
   * free channel (price 0, no unseal price: nothing is ever signed on it), nor for a channel's end:
   * lost to a crash, it is recorded again when the node reconciles its running accounts at start.
   * Those become durable with the next forced entry, so many channels share one sync.
   */
  private boolean forcedAlone(Entry entry) {
    if (entry instanceof Entry.Ended) {
      return false;
    }
    if (entry instanceof Entry.Began b) {
      return !b.terms().free();
    }
    if (entry instanceof Entry.Reserved r) {
      ClientAccount a = accounts.get(r.channelId());
      return a == null || !a.terms().free();
    }
    return true;
  }

  /** How many times the journal forced its file to disk since it opened (0 for a shared one). */
  long journalSyncs() {
    return journal instanceof Journal<Entry> file ? file.syncs() : 0;
  }

  private void apply(Entry entry) {
    if (entry instanceof Entry.Deposited d) {
      budget = Math.max(budget, d.budget());
    } else if (entry instanceof Entry.Began b) {
      if (!accounts.containsKey(b.channelId())) {
        put(b.channelId(), new ClientAccount(b.terms(), 0, 0, 0, 0, 0, null));
      }
    } else if (entry instanceof Entry.Reserved r) {
      update(r.channelId(), a -> a.withReserved(r.reserved()));
    } else if (entry instanceof Entry.Issued i) {
      update(
          i.channelId(),
          a -> i.nonce() > a.lastNonce() ? a.withIssued(i.nonce(), i.cumulative()) : a);
    } else if (entry instanceof Entry.Acknowledged k) {
      update(k.channelId(), a -> a.withAcknowledged(k.acknowledged()));
    } else if (entry instanceof Entry.Snapshot snapshot) {
      put(snapshot.channelId(), snapshot.account());
    } else if (entry instanceof Entry.Ended e) {
      update(e.channelId(), a -> a.ended() ? a : a.endedWith(e.status()));
    }
  }

  /** Changes the account of {@code id}, if there is one. */
  private void update(ChannelId id, UnaryOperator<ClientAccount> change) {
    ClientAccount a = accounts.get(id);
    if (a != null) {
      put(id, change.apply(a));
    }
  }

  /** Sets the account of {@code id}, keeping the sums of all accounts. */
  private void put(ChannelId id, ClientAccount account) {
    ClientAccount before = accounts.put(id, account);
    if (before != null) {
      heldTotal -= before.held();
      spentTotal -= before.spent();
    }
    heldTotal += account.held();
    spentTotal += account.spent();
  }

  @Override
  public synchronized void close() {
    journal.close();
  }
}
