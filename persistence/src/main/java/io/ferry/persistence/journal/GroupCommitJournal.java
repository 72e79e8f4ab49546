package io.ferry.persistence.journal;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.japi.pf.ReceiveBuilder;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.journal.leveldb.Key;
import org.apache.pekko.persistence.journal.leveldb.Key$;
import org.apache.pekko.persistence.journal.leveldb.LeveldbJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.serialization.MessageFormats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.PartialFunction;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Vector;
import scala.collection.immutable.VectorBuilder;
import scala.concurrent.Future;
import scala.concurrent.Promise;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * Pekko's LevelDB journal with group commit: the writes of all the channels that reach the journal
 * while it is busy share one synced LevelDB write. Pekko's journal made every channel's batch of
 * events its own synced write, one after the other (93-94 % of a node's native samples during 1,000
 * one-block channels were synced {@code NativeDB.Write}, issue 17).
 *
 * <p>How the group forms: a {@code WriteMessages} no longer writes at once; its events are held and
 * the journal sends itself one {@link Flush} when the first of a group arrives. Everything that
 * lands in the mailbox before that flush (typically what arrived during the previous synced write)
 * joins the group, and the flush writes the whole group as one LevelDB {@code WriteBatch} through
 * Pekko's own code (same keys, numeric ids and tag index), synced as configured ({@code fsync =
 * on}). Each writer hears of its events only when that write returned, so an acknowledged event is
 * on disk exactly as before; and because events reach LevelDB only inside a synced write, no reader
 * (tag queries, recovery) ever sees an event that is not yet on disk.
 *
 * <p>A recovery's replay or a deletion of a persistence id with writes in the group, and any other
 * request (compaction), first writes the held group, so it reads what was asked to be written
 * before it. Recoveries of other ids (channels starting), tag queries and subscriptions do not:
 * they see a group when it is written, as a subscriber hears of it then.
 *
 * <p>Once a group is on disk, its tagged events go to the actor system's event stream as {@link
 * WrittenEvents}, with the tag offsets they were written at, for the node's own projections.
 *
 * <p>Pekko's LevelDB journal keeps a copy of every tagged event under its tag and never deletes it:
 * a purged channel's events left their copies behind, so the journal grew with every channel ever
 * run whatever the retention. Here the deletion of a persistence id's whole history (a purge,
 * {@code DeleteMessagesTo} up to {@code Long.MAX_VALUE}) also drops its copies under the tags named
 * by {@code drop-tag-copies-of}: the ids purged within {@link #DROP_AFTER} are collected and their
 * copies deleted in one pass over each tag, after which the event stream hears {@link
 * TagCopiesDropped}. Copies of ids purged just before a crash stay until the node asks for them
 * again ({@link DropTagCopiesOf}), which it does at its next start.
 *
 * <p>Pekko's LevelDB read journal refuses to run beside any journal class but its own, so the node
 * reads this one with {@link LevelDbReadJournalProvider}, which speaks Pekko's LevelDB query
 * protocol to it.
 */
public final class GroupCommitJournal extends LeveldbJournal {
  /** Most writes (one actor's batch each) a group holds before it is written without waiting. */
  static final int MAX_GROUP = 2_000;

  /** The message the journal sends itself to write the group it holds. */
  enum Flush {
    INSTANCE
  }

  /** The message the journal sends itself to drop the tag copies of the ids purged lately. */
  enum DropTagCopies {
    INSTANCE
  }

  /**
   * Asks the journal to drop the tag copies of {@code persistenceIds} now (ids whose events were
   * deleted before the journal dropped copies itself); the answer is the number dropped, a {@code
   * Long}, or a {@link org.apache.pekko.actor.Status.Failure}.
   */
  public record DropTagCopiesOf(Set<String> persistenceIds) {}

  /**
   * Told to the actor system's event stream after a pass dropped the tag copies of {@code
   * persistenceIds} (durably: the deletions are written as the journal writes events): no tag query
   * meets their events again.
   */
  public record TagCopiesDropped(Set<String> persistenceIds) {
    public TagCopiesDropped {
      persistenceIds = Set.copyOf(persistenceIds);
    }
  }

  /** How long purged ids are collected before one pass over the tags drops their copies. */
  static final java.time.Duration DROP_AFTER = java.time.Duration.ofSeconds(2);

  /** Tag copies deleted in one LevelDB write at most. */
  private static final int DROP_BATCH = 10_000;

  /** Asks the journal how many batches it wrote and in how many synced writes. */
  public enum GetSyncs {
    INSTANCE
  }

  /**
   * Asks the journal how many tag reads ({@code ReplayTaggedMessages}: a page of a tag query) it
   * answered; the answer is a {@code Long}.
   */
  public enum GetTagReads {
    INSTANCE
  }

  /**
   * Asks the journal how many recoveries that read events ({@code ReplayMessages} of a persistence
   * id with events asked for, not a start that only learns its highest sequence number) it
   * answered; the answer is a {@code Long}.
   */
  public enum GetReplays {
    INSTANCE
  }

  /**
   * What {@link GetSyncs} answers.
   *
   * @param batches writers' batches written (one {@code WriteMessages} each)
   * @param syncs synced LevelDB writes that carried them
   */
  public record Syncs(long batches, long syncs) {}

  /** One writer's batch, held until its group is written. */
  private record Held(
      Seq<AtomicWrite> writes, Promise<Seq<Try<BoxedUnit>>> written, long heldSince) {}

  private final List<Held> group = new ArrayList<>();

  /** The persistence ids with writes in {@link #group}. */
  private final Set<String> writers = new HashSet<>();

  private static final Logger log = LoggerFactory.getLogger(GroupCommitJournal.class);

  /** The tags whose copies of purged ids' events are dropped. */
  private final List<String> dropTags;

  /** Ids purged whose tag copies are not dropped yet. */
  private final Set<String> purged = new HashSet<>();

  private long batches;
  private long syncs;
  private long tagReads;
  private long replays;

  /** The longest a write waited in a group until its group was written, in milliseconds. */
  private long longestWaitMillis;

  public GroupCommitJournal(Config config) {
    super(config);
    this.dropTags =
        config.hasPath("drop-tag-copies-of")
            ? List.copyOf(config.getStringList("drop-tag-copies-of"))
            : List.of();
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    Promise<Seq<Try<BoxedUnit>>> written = Promise.apply();
    if (group.isEmpty()) {
      self().tell(Flush.INSTANCE, self());
    }
    group.add(new Held(messages, written, System.nanoTime()));
    messages.foreach(write -> writers.add(write.persistenceId()));
    if (group.size() >= MAX_GROUP) {
      flush();
    }
    return written.future();
  }

  @Override
  public void aroundReceive(PartialFunction<Object, BoxedUnit> receive, Object msg) {
    if (msg == Flush.INSTANCE) {
      flush();
      return;
    }
    if (msg == DropTagCopies.INSTANCE) {
      try {
        dropTagCopies();
      } catch (RuntimeException | java.io.IOException e) {
        log.warn("could not drop the tag copies of purged channels: {}", e.toString());
      }
      return;
    }
    if (msg instanceof DropTagCopiesOf asked) {
      purged.addAll(asked.persistenceIds());
      try {
        sender().tell(dropTagCopies(), self());
      } catch (RuntimeException | java.io.IOException e) {
        log.warn("could not drop the tag copies of purged channels: {}", e.toString());
        sender().tell(new org.apache.pekko.actor.Status.Failure(e), self());
      }
      return;
    }
    if (msg instanceof LeveldbJournal.ReplayTaggedMessages) {
      tagReads++;
    } else if (msg instanceof JournalProtocol.ReplayMessages replay
        && replay.max() > 0
        && replay.toSequenceNr() > 0) {
      replays++;
    }
    if (mustReadTheGroup(msg)) {
      flush();
    }
    super.aroundReceive(receive, msg);
  }

  /**
   * Whether {@code msg} must see the held group: a recovery or deletion of a persistence id with
   * writes in it, and anything but a write, a query subscription or replay, or a count. A channel
   * that starts (a recovery of an id with nothing held, the common case when many open at once)
   * does not break the group.
   */
  private boolean mustReadTheGroup(Object msg) {
    if (group.isEmpty()
        || msg instanceof JournalProtocol.WriteMessages
        || msg instanceof LeveldbJournal.SubscriptionCommand
        || msg == GetSyncs.INSTANCE
        || msg == GetTagReads.INSTANCE
        || msg == GetReplays.INSTANCE
        || msg == DropTagCopies.INSTANCE
        || msg instanceof DropTagCopiesOf) {
      return false;
    }
    if (msg instanceof JournalProtocol.ReplayMessages replay) {
      return writers.contains(replay.persistenceId());
    }
    if (msg instanceof JournalProtocol.DeleteMessagesTo delete) {
      return writers.contains(delete.persistenceId());
    }
    return true;
  }

  /** Writes the held group as one synced LevelDB write and answers each of its writers. */
  private void flush() {
    if (group.isEmpty()) {
      return;
    }
    List<Held> writing = new ArrayList<>(group);
    group.clear();
    writers.clear();
    VectorBuilder<AtomicWrite> all = new VectorBuilder<>();
    for (Held held : writing) {
      all.addAll(held.writes());
    }
    Future<Seq<Try<BoxedUnit>>> result;
    try {
      // Pekko's LevelDB store writes synchronously and returns a completed future.
      result = super.asyncWriteMessages(all.result());
    } catch (RuntimeException e) {
      writing.forEach(held -> held.written().failure(e));
      return;
    }
    syncs++;
    batches += writing.size();
    long waited = (System.nanoTime() - writing.get(0).heldSince()) / 1_000_000;
    if (waited > longestWaitMillis) {
      longestWaitMillis = waited;
      if (waited > 1_000) {
        log.warn("a journal write waited {} ms for its group to be written", waited);
      }
    }
    Try<Seq<Try<BoxedUnit>>> outcome = result.value().get();
    if (outcome.isFailure()) {
      Throwable cause = outcome.failed().get();
      writing.forEach(held -> held.written().failure(cause));
      return;
    }
    Vector<Try<BoxedUnit>> results = outcome.get().toVector();
    if (results.forall(Try::isSuccess)) {
      tell(all.result());
    }
    int at = 0;
    for (Held held : writing) {
      int size = held.writes().size();
      VectorBuilder<Try<BoxedUnit>> own = new VectorBuilder<>();
      for (int i = at; i < at + size; i++) {
        own.addOne(results.apply(i));
      }
      held.written().success(own.result());
      at += size;
    }
  }

  @Override
  public Future<BoxedUnit> asyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    Future<BoxedUnit> deleted = super.asyncDeleteMessagesTo(persistenceId, toSequenceNr);
    if (toSequenceNr == Long.MAX_VALUE && !dropTags.isEmpty()) {
      if (purged.isEmpty()) {
        context()
            .system()
            .scheduler()
            .scheduleOnce(
                DROP_AFTER, self(), DropTagCopies.INSTANCE, context().dispatcher(), self());
      }
      purged.add(persistenceId);
    }
    return deleted;
  }

  /**
   * Deletes the copies the tags in {@link #dropTags} hold of the events of the ids in {@link
   * #purged}: one pass over each tag, reading only each copy's persistence id. Reads of the tag go
   * through this actor too, so none sees a pass half done.
   */
  private long dropTagCopies() throws java.io.IOException {
    if (purged.isEmpty()) {
      return 0;
    }
    Set<String> ids = new HashSet<>(purged);
    purged.clear();
    long t0 = System.nanoTime();
    long dropped = 0;
    for (String tag : dropTags) {
      dropped += dropTagCopies(tagNumericId(tag), ids);
    }
    log.info(
        "dropped {} tag copies of the events of {} purged channels in {} ms",
        dropped,
        ids.size(),
        (System.nanoTime() - t0) / 1_000_000);
    if (!dropTags.isEmpty()) {
      context().system().eventStream().publish(new TagCopiesDropped(ids));
    }
    return dropped;
  }

  private long dropTagCopies(int tagId, Set<String> ids) throws java.io.IOException {
    org.iq80.leveldb.DB db = leveldb();
    long dropped = 0;
    org.iq80.leveldb.WriteBatch batch = db.createWriteBatch();
    int inBatch = 0;
    try (org.iq80.leveldb.DBIterator it = db.iterator()) {
      // Sequence number 0 is the tag's counter, which stays.
      it.seek(Key$.MODULE$.keyToBytes(new Key(tagId, 1L, 0)));
      while (it.hasNext()) {
        Map.Entry<byte[], byte[]> entry = it.next();
        Key key = Key$.MODULE$.keyFromBytes(entry.getKey());
        if (key.persistenceId() != tagId) {
          break;
        }
        if (key.mappingId() != 0) {
          continue;
        }
        String id = MessageFormats.PersistentMessage.parseFrom(entry.getValue()).getPersistenceId();
        if (ids.contains(id)) {
          batch.delete(entry.getKey());
          dropped++;
          if (++inBatch == DROP_BATCH) {
            db.write(batch, leveldbWriteOptions());
            batch.close();
            batch = db.createWriteBatch();
            inBatch = 0;
          }
        }
      }
      db.write(batch, leveldbWriteOptions());
    } finally {
      batch.close();
    }
    return dropped;
  }

  /**
   * Tells the event stream of the tagged events {@code written} holds (all of them on disk).
   * Pekko's store numbered each tag's events one after the other in the order written, on this
   * actor's thread, and keeps the tag's last number as its counter: counted back from it, they are
   * the offsets a tag query gives.
   */
  private void tell(Seq<AtomicWrite> written) {
    Map<String, List<PersistentRepr>> byTag = new LinkedHashMap<>();
    for (AtomicWrite write : CollectionConverters.asJava(written)) {
      for (PersistentRepr p : CollectionConverters.asJava(write.payload())) {
        if (p.payload() instanceof Tagged tagged) {
          for (String tag : CollectionConverters.asJava(tagged.tags())) {
            byTag.computeIfAbsent(tag, t -> new ArrayList<>()).add(p.withPayload(tagged.payload()));
          }
        }
      }
    }
    byTag.forEach(
        (tag, events) -> {
          long last = readHighestSequenceNr(tagNumericId(tag));
          long offset = last - events.size();
          List<EventEnvelope> envelopes = new ArrayList<>(events.size());
          for (PersistentRepr p : events) {
            envelopes.add(
                EventEnvelope.apply(
                    Offset.sequence(++offset),
                    p.persistenceId(),
                    p.sequenceNr(),
                    p.payload(),
                    p.timestamp()));
          }
          context().system().eventStream().publish(new WrittenEvents(tag, envelopes));
        });
  }

  @Override
  public PartialFunction<Object, BoxedUnit> receivePluginInternal() {
    return ReceiveBuilder.create()
        .matchEquals(GetSyncs.INSTANCE, ask -> sender().tell(new Syncs(batches, syncs), self()))
        .matchEquals(GetTagReads.INSTANCE, ask -> sender().tell(tagReads, self()))
        .matchEquals(GetReplays.INSTANCE, ask -> sender().tell(replays, self()))
        .build()
        .onMessage()
        .orElse(super.receivePluginInternal());
  }

  @Override
  public void postStop() {
    flush();
    log.info(
        "the journal wrote {} batches in {} synced writes (longest wait {} ms)",
        batches,
        syncs,
        longestWaitMillis);
    super.postStop();
  }
}
