package io.ferry.validators.paid;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.validators.journal.EntryLog;
import io.ferry.validators.journal.Journal;
import io.ferry.validators.journal.SqlJournal;
import io.ferry.validators.signed.SeenNonces;
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
 * The responder's book of paid channels: terms, bytes sent, data limit and payments received, kept
 * in {@code responder.journal}. Payments are recorded with their nonce, so the ledger is also the
 * replay guard for payment vouchers, and a payment is on disk before the channel resumes. Byte
 * progress is appended without waiting for the disk and made durable with the next payment request;
 * replaying the journal counts every payment once (entries carry absolute values and nonces).
 */
public final class ResponderLedger implements SeenNonces, Closeable {
  /** The journal's entries. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@e")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Entry.Opened.class, name = "opened"),
    @JsonSubTypes.Type(value = Entry.Sent.class, name = "sent"),
    @JsonSubTypes.Type(value = Entry.Paid.class, name = "paid"),
    @JsonSubTypes.Type(value = Entry.LimitRaised.class, name = "limit"),
    @JsonSubTypes.Type(value = Entry.Finished.class, name = "finished"),
    @JsonSubTypes.Type(value = Entry.Settled.class, name = "settled"),
    @JsonSubTypes.Type(value = Entry.Snapshot.class, name = "snapshot")
  })
  sealed interface Entry {
    ChannelId channelId();

    /**
     * A paid pull was accepted on these terms with its first data limit ({@code null} in journals
     * written before credit was per peer: the first interval).
     */
    record Opened(ChannelId channelId, PaidRetrievalTerms terms, Long dataLimit) implements Entry {}

    /** The channel has sent {@code bytesSent} first-time bytes in all. */
    record Sent(ChannelId channelId, long bytesSent) implements Entry {}

    /** A payment voucher was credited, unlocking data up to {@code dataLimit}. */
    record Paid(ChannelId channelId, long nonce, long cumulative, long dataLimit, long intervals)
        implements Entry {}

    /** The data limit changed without a payment: prepaid intervals granted, or credit withdrawn. */
    record LimitRaised(ChannelId channelId, long dataLimit, long intervals) implements Entry {}

    /** The channel sent all its data with something still owed: the final payment is due. */
    record Finished(ChannelId channelId) implements Entry {}

    /** The channel completed with nothing owed. */
    record Settled(ChannelId channelId) implements Entry {}

    /** A whole account, as compaction writes it. */
    record Snapshot(ChannelId channelId, PaidChannel account, List<Long> nonces) implements Entry {}
  }

  /** A journal is compacted on open once it has more entries than this and 4 per channel. */
  static final long COMPACT_AFTER = 1024;

  /** The ledger's name in a shared database. */
  static final String SHARED_NAME = "paid-retrieval/responder";

  private final Map<ChannelId, PaidChannel> channels = new HashMap<>();
  private final Map<ChannelId, Set<Long>> nonces = new HashMap<>();
  private final Map<PeerId, Set<ChannelId>> unsettledByPeer = new HashMap<>();
  private final EntryLog<Entry> journal;

  private ResponderLedger(Path directory, long compactAfter) {
    this.journal =
        Journal.openCompacting(
            directory.resolve("responder.journal"),
            Entry.class,
            this::apply,
            () -> Math.max(compactAfter, 4L * channels.size()),
            this::snapshot,
            this::clear);
  }

  private ResponderLedger(DataSource db) {
    this.journal = SqlJournal.open(db, SHARED_NAME, Entry.class, this::apply, this::clear);
  }

  private void clear() {
    channels.clear();
    nonces.clear();
    unsettledByPeer.clear();
  }

  /** Every channel's account and used nonces, as the entries a compacted journal holds. */
  private List<Entry> snapshot() {
    List<Entry> snapshot = new ArrayList<>();
    channels.forEach(
        (id, account) ->
            snapshot.add(
                new Entry.Snapshot(id, account, List.copyOf(nonces.getOrDefault(id, Set.of())))));
    return snapshot;
  }

  /** How many times the journal forced its file to disk since it opened (0 for a shared one). */
  long journalSyncs() {
    return journal instanceof Journal<Entry> file ? file.syncs() : 0;
  }

  /** How many entries the journal holds (after any compaction on open). */
  long journalEntries() {
    return journal.entries();
  }

  /** Opens (or creates) the ledger kept in {@code directory}. */
  public static ResponderLedger open(Path directory) {
    return new ResponderLedger(directory, COMPACT_AFTER);
  }

  /** As {@link #open(Path)}, compacting once the journal has more than {@code compactAfter}. */
  static ResponderLedger open(Path directory, long compactAfter) {
    return new ResponderLedger(directory, compactAfter);
  }

  /**
   * Opens the ledger the members of a cluster share in {@code db} (table {@value SqlJournal#TABLE},
   * ledger {@value #SHARED_NAME}): whichever member serves a paid channel sees its payments and
   * nonces.
   */
  public static ResponderLedger shared(DataSource db) {
    return new ResponderLedger(db);
  }

  /** The account of {@code channelId}, if it is a paid channel. */
  public synchronized Optional<PaidChannel> channel(ChannelId channelId) {
    journal.refresh();
    return Optional.ofNullable(channels.get(channelId));
  }

  /** The accounts of {@code peer}'s channels that are not settled, by channel. */
  synchronized Map<ChannelId, PaidChannel> unsettledOf(PeerId peer) {
    journal.refresh();
    Map<ChannelId, PaidChannel> accounts = new HashMap<>();
    for (ChannelId id : unsettledByPeer.getOrDefault(peer, Set.of())) {
      accounts.put(id, channels.get(id));
    }
    return accounts;
  }

  @Override
  public synchronized boolean isSeen(ChannelId channelId, long nonce) {
    journal.refresh();
    return seen(channelId, nonce);
  }

  private boolean seen(ChannelId channelId, long nonce) {
    Set<Long> used = nonces.get(channelId);
    return used != null && used.contains(nonce);
  }

  /** Opens a paid channel on {@code terms}, its first interval granted. */
  synchronized PaidChannel open(ChannelId channelId, PaidRetrievalTerms terms) {
    return open(channelId, terms, terms.interval(0));
  }

  /** Opens a paid channel on {@code terms} with a first data limit of {@code dataLimit} bytes. */
  synchronized PaidChannel open(ChannelId channelId, PaidRetrievalTerms terms, long dataLimit) {
    return journal.exclusive(
        () -> {
          if (channels.containsKey(channelId)) {
            throw new IllegalStateException("channel " + channelId + " is already a paid channel");
          }
          return append(new Entry.Opened(channelId, terms, dataLimit), true);
        });
  }

  /**
   * Counts {@code additional} bytes sent. Durable at once only when {@code sync} (the caller is
   * about to ask for payment); otherwise with the next synced entry.
   */
  synchronized PaidChannel recordSent(ChannelId channelId, long additional, boolean sync) {
    return journal.exclusive(
        () -> {
          PaidChannel current = require(channelId);
          return append(
              new Entry.Sent(channelId, Math.addExact(current.bytesSent(), additional)), sync);
        });
  }

  /**
   * Credits a verified payment of {@code cumulative} with {@code nonce}. When it covers what is
   * owed and the channel is at its limit, the next interval is granted in the same entry.
   *
   * @throws IllegalStateException when the nonce was already used on the channel
   */
  synchronized PaidChannel recordPayment(ChannelId channelId, long nonce, long cumulative) {
    return recordPayment(channelId, nonce, cumulative, PaidChannel::grantNextIntervals);
  }

  /**
   * As {@link #recordPayment(ChannelId, long, long)}, the next interval granted by {@code grant}
   * (which may grant less than the terms' schedule).
   */
  synchronized PaidChannel recordPayment(
      ChannelId channelId, long nonce, long cumulative, UnaryOperator<PaidChannel> grant) {
    return journal.exclusive(
        () -> {
          if (seen(channelId, nonce)) {
            throw new IllegalStateException("nonce " + nonce + " was already used on " + channelId);
          }
          PaidChannel after = require(channelId).withPayment(cumulative);
          if (after.outstanding() == 0 && after.atLimit()) {
            after = grant.apply(after);
          }
          return append(
              new Entry.Paid(channelId, nonce, cumulative, after.dataLimit(), after.intervals()),
              true);
        });
  }

  /** Grants the next intervals of a channel that is at its limit and paid up. */
  synchronized PaidChannel raiseLimit(ChannelId channelId) {
    return changeLimit(channelId, PaidChannel::grantNextIntervals);
  }

  /** Sets the data limit of a channel to what {@code change} makes of its account. */
  synchronized PaidChannel changeLimit(ChannelId channelId, UnaryOperator<PaidChannel> change) {
    return journal.exclusive(
        () -> {
          PaidChannel changed = change.apply(require(channelId));
          return append(
              new Entry.LimitRaised(channelId, changed.dataLimit(), changed.intervals()), true);
        });
  }

  /**
   * Grants the intervals a paid-up channel may have ahead of its limit (see {@link
   * PaidChannel#grantAhead}), the limit going no further than {@code cap} (the peer's credit).
   */
  synchronized PaidChannel grantAhead(ChannelId channelId, long cap) {
    return journal.exclusive(
        () -> {
          PaidChannel current = require(channelId);
          PaidChannel ahead = current.grantAhead();
          if (ahead.dataLimit() > cap) {
            ahead = ahead.withLimit(Math.max(cap, current.dataLimit()), ahead.intervals());
          }
          if (ahead.dataLimit() <= current.dataLimit() || current.finished()) {
            return current;
          }
          return append(
              new Entry.LimitRaised(channelId, ahead.dataLimit(), ahead.intervals()), true);
        });
  }

  /** Marks a channel that sent all its data and waits for its final payment. */
  synchronized PaidChannel finish(ChannelId channelId) {
    return journal.exclusive(
        () -> {
          PaidChannel current = require(channelId);
          return current.finished() ? current : append(new Entry.Finished(channelId), true);
        });
  }

  /**
   * Marks a channel that completed with nothing owed. Not forced to disk on its own: it becomes
   * durable with the next synced entry (a batch of settlements shares one sync). Lost to a crash,
   * the account counts as sent-and-paid, which exposes nothing (see {@link PeerCredit#exposure}).
   */
  synchronized PaidChannel settle(ChannelId channelId) {
    return journal.exclusive(
        () -> {
          PaidChannel current = require(channelId);
          return current.settled() ? current : append(new Entry.Settled(channelId), false);
        });
  }

  private PaidChannel require(ChannelId channelId) {
    PaidChannel current = channels.get(channelId);
    if (current == null) {
      throw new IllegalStateException("channel " + channelId + " is not a paid channel");
    }
    return current;
  }

  /**
   * Appends {@code entry}, forced to disk first when {@code sync} and the channel is not free. A
   * free channel's account (price 0, no unseal price) holds no money and exposes no credit: losing
   * its entries to a crash costs nothing (a restart opens it again), so they become durable with
   * the next synced entry instead of forcing the file several times per channel.
   */
  private PaidChannel append(Entry entry, boolean sync) {
    if (sync && !free(entry)) {
      journal.append(entry);
    } else {
      journal.appendBuffered(entry);
    }
    apply(entry);
    return channels.get(entry.channelId());
  }

  private boolean free(Entry entry) {
    if (entry instanceof Entry.Opened opened) {
      return opened.terms().free();
    }
    PaidChannel account = channels.get(entry.channelId());
    return account != null && account.terms().free();
  }

  /** Folds one entry into the books; used for new entries and for replay alike. */
  private void apply(Entry entry) {
    ChannelId id = entry.channelId();
    if (entry instanceof Entry.Opened opened) {
      PaidChannel fresh = PaidChannel.opened(opened.terms());
      if (opened.dataLimit() != null) {
        fresh = fresh.withLimit(opened.dataLimit(), fresh.intervals());
      }
      if (channels.putIfAbsent(id, fresh) == null) {
        unsettledByPeer.computeIfAbsent(id.initiator(), p -> new HashSet<>()).add(id);
      }
      return;
    }
    if (entry instanceof Entry.Snapshot snapshot) {
      channels.put(id, snapshot.account());
      nonces.put(id, new HashSet<>(snapshot.nonces()));
      if (!snapshot.account().settled()) {
        unsettledByPeer.computeIfAbsent(id.initiator(), p -> new HashSet<>()).add(id);
      }
      return;
    }
    PaidChannel current = channels.get(id);
    if (current == null) {
      throw new IllegalStateException("journal entry " + entry + " names an unopened channel");
    }
    if (entry instanceof Entry.Sent sent) {
      channels.put(id, current.withBytesSent(Math.max(current.bytesSent(), sent.bytesSent())));
    } else if (entry instanceof Entry.Paid paid) {
      if (nonces.computeIfAbsent(id, c -> new HashSet<>()).add(paid.nonce())) {
        channels.put(
            id,
            current.withPayment(paid.cumulative()).withLimit(paid.dataLimit(), paid.intervals()));
      }
    } else if (entry instanceof Entry.LimitRaised raised) {
      channels.put(id, current.withLimit(raised.dataLimit(), raised.intervals()));
    } else if (entry instanceof Entry.Finished) {
      channels.put(id, current.asFinished());
    } else if (entry instanceof Entry.Settled) {
      channels.put(id, current.asSettled());
      Set<ChannelId> unsettled = unsettledByPeer.get(id.initiator());
      if (unsettled != null && unsettled.remove(id) && unsettled.isEmpty()) {
        unsettledByPeer.remove(id.initiator());
      }
    }
  }

  @Override
  public synchronized void close() {
    journal.close();
  }
}
