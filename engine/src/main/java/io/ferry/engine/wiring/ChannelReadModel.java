package io.ferry.engine.wiring;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.entity.EntityState;
import io.ferry.channels.entity.JournalEvent;
import io.ferry.persistence.journal.WrittenEvents;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which channels exist, and in which state: the node's one answer to that, projected from the
 * channel entity's tagged event stream (Pekko Persistence Query, {@code eventsByTag}) with the same
 * pure fold the entity recovers with ({@link EntityState#apply}). Listing, counts, metrics, the
 * channels a start wakes and the channels a peer's connection concerns all read it, so none of them
 * wakes a channel actor. The node feeds it the states its channels publish as well ({@link
 * #update}), so a listing taken right after an event already shows it; of two states of a channel
 * the later one wins.
 *
 * <p>On the embedded journal the model follows the tag from the journal's write path ({@link
 * WrittenEvents}: the event objects the journal just wrote, with their tag offsets) instead of a
 * live tag query, which read every event back from LevelDB and deserialized it again (the largest
 * single item of a provider's CPU with 1,000 one-block channels). It applies them in offset order;
 * where they skip offsets (writes published before it subscribed, a group that failed in part) it
 * reads the missing ones with a tag query first. A shared PostgreSQL journal, which every member
 * writes, is followed with the live tag query.
 *
 * <p>Start-up does not replay the whole tag: the model keeps its projection and the tag offset it
 * reached in a {@link ReadModelCheckpoints checkpoint} (written after it caught up, every 30
 * seconds while events arrive, and when it closes: a node that crashes replays at most what the
 * last 30 seconds added) and resumes the tag from that offset.
 *
 * <p>A purged channel is {@link #forget forgotten}: it leaves the projection, and the next
 * checkpoint (within {@link #FORGET_SAVE_AFTER}) no longer holds it, so the model's heap and its
 * checkpoint follow what retention keeps, not every channel the node ever ran.
 */
public final class ChannelReadModel implements AutoCloseable {
  /** The read journal of Pekko's LevelDB journal. */
  public static final String LEVELDB = "pekko.persistence.query.journal.leveldb";

  /** The read journal of pekko-persistence-jdbc (the PostgreSQL journal). */
  public static final String JDBC = "jdbc-read-journal";

  private static final String CHANNEL_PREFIX = ChannelEntity.TYPE_KEY.name() + "|";
  private static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(30);

  /** How soon after a channel is forgotten a checkpoint without it is written. */
  static final Duration FORGET_SAVE_AFTER = Duration.ofSeconds(5);

  /** How the live query is started again after it failed: after 1 s, backing off up to 10 s. */
  private static final RestartSettings RESTART =
      RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(10), 0.2);

  private final Map<ChannelId, ChannelState> folded = new ConcurrentHashMap<>();
  private final Map<ChannelId, Long> foldedTo = new ConcurrentHashMap<>();
  private final Map<ChannelId, ChannelState> latest = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private final ReadModelCheckpoints checkpoints;
  private final long resumedFrom;
  private long offset;
  private long savedOffset;
  private boolean saved;
  private long replayedAtStart;
  private boolean replaying = true;
  private static final Logger log = LoggerFactory.getLogger(ChannelReadModel.class);

  /** Writes the journal told of, not yet applied: held while replaying or filling a gap. */
  private final Deque<WrittenEvents> written = new ArrayDeque<>();

  /** Whether a tag query is reading the events the journal's writes skipped. */
  private boolean filling;

  /**
   * Channels forgotten whose events the model may still meet (a replay or a held write not applied
   * yet): ignored until a checkpoint is saved with the model past them.
   */
  private final Set<ChannelId> forgetting = ConcurrentHashMap.newKeySet();

  /** What waits for a checkpoint without the channels forgotten so far. */
  private final List<CompletableFuture<Void>> forgotten = new ArrayList<>();

  /** Whether a checkpoint is due soon for channels forgotten. */
  private boolean forgetSaveDue;

  private volatile ActorRef<Object> feed;
  private volatile ActorSystem<?> system;
  private volatile ReadJournal journal;
  private volatile UniqueKillSwitch live;
  private volatile Cancellable saving;
  private volatile boolean closed;

  private ChannelReadModel(ReadModelCheckpoints checkpoints) {
    this.checkpoints = checkpoints;
    ReadModelCheckpoints.Projection saved = checkpoints.load();
    for (ChannelState state : saved.channels()) {
      folded.put(state.channelId(), state);
      latest.put(state.channelId(), state);
    }
    foldedTo.putAll(saved.sequenceNrs());
    this.offset = saved.offset();
    this.savedOffset = saved.offset();
    this.resumedFrom = saved.offset();
  }

  /**
   * Resumes the channel tag of {@code system}'s journal from the checkpoint {@code checkpoints}
   * holds (from the start without one), then follows it.
   */
  public static ChannelReadModel start(ActorSystem<?> system, ReadModelCheckpoints checkpoints) {
    return start(system, checkpoints, readJournal(system));
  }

  /**
   * As {@link #start(ActorSystem, ReadModelCheckpoints)}, over {@code journal} (a read journal with
   * both current and live tag queries).
   */
  static ChannelReadModel start(
      ActorSystem<?> system, ReadModelCheckpoints checkpoints, ReadJournal journal) {
    ChannelReadModel model = new ChannelReadModel(checkpoints);
    model.system = system;
    boolean fed = WrittenEvents.published(system);
    if (fed) {
      // Subscribed before the replay starts: what is written meanwhile waits in `written`.
      model.subscribe(system, journal);
    }
    ((CurrentEventsByTagQuery) journal)
        .currentEventsByTag(ChannelEntity.EVENT_TAG, Offset.sequence(model.resumedFrom))
        .via(model.withoutGaps(system, journal))
        .runWith(Sink.foreach(model::project), system)
        .whenComplete(
            (done, error) -> {
              if (error != null) {
                model.caughtUp.completeExceptionally(error);
                return;
              }
              model.caughtUpNow();
              if (fed) {
                model.saveEvery(system);
                model.applyWritten();
              } else {
                model.follow(system, (EventsByTagQuery) journal);
              }
            });
    return model;
  }

  private synchronized void caughtUpNow() {
    replaying = false;
    saveCheckpoint();
    caughtUp.complete(null);
  }

  private synchronized void follow(ActorSystem<?> system, EventsByTagQuery journal) {
    if (closed) {
      return;
    }
    // The live query fails when the journal's database goes away (a PostgreSQL outage); it is
    // started again, from the offset this model reached, until the model closes. Before, it
    // stayed failed: the model kept its last state of every channel other members (or this one,
    // before its actor restarted) ran, and listed them with stale counters.
    live =
        RestartSource.onFailuresWithBackoff(
                RESTART,
                () ->
                    journal
                        .eventsByTag(ChannelEntity.EVENT_TAG, Offset.sequence(offset()))
                        .via(withoutGaps(system, (ReadJournal) journal)))
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.foreach(this::project), Keep.left())
            .run(system);
    saveEvery(system);
  }

  private synchronized void saveEvery(ActorSystem<?> system) {
    if (closed) {
      return;
    }
    saving =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                CHECKPOINT_EVERY,
                CHECKPOINT_EVERY,
                this::saveCheckpoint,
                system.executionContext());
  }

  /** Hears of every group of channel events the journal writes ({@link WrittenEvents}). */
  private void subscribe(ActorSystem<?> system, ReadJournal journal) {
    ActorRef<Object> ref =
        system.systemActorOf(
            Behaviors.receive(Object.class)
                .onMessage(
                    WrittenEvents.class,
                    w -> {
                      if (w.tag().equals(ChannelEntity.EVENT_TAG)) {
                        written(w);
                      }
                      return Behaviors.same();
                    })
                .onMessageEquals(Unsubscribe.INSTANCE, () -> Behaviors.stopped())
                .build(),
            "channel-read-model-feed-" + java.util.UUID.randomUUID(),
            Props.empty());
    feed = ref;
    this.system = system;
    this.journal = journal;
    system.eventStream().tell(new EventStream.Subscribe<>(WrittenEvents.class, ref.narrow()));
  }

  /** What the feed's subscriber is told when the model closes. */
  private enum Unsubscribe {
    INSTANCE
  }

  private synchronized void written(WrittenEvents w) {
    written.add(w);
    applyWritten();
  }

  /**
   * Applies the writes the journal told of, in offset order, once the replay caught up and no gap
   * is being read; a write beyond the next offset first has the skipped events read by tag.
   */
  private synchronized void applyWritten() {
    while (!replaying && !filling && !closed && !written.isEmpty()) {
      WrittenEvents next = written.peek();
      if (next.firstOffset() > offset + 1) {
        fill();
        return;
      }
      written.poll();
      for (EventEnvelope envelope : next.envelopes()) {
        if (WrittenEvents.offsetOf(envelope) > offset) {
          project(envelope);
        }
      }
    }
  }

  /** Reads by tag the events after this model's offset that the journal's writes skipped. */
  private void fill() {
    filling = true;
    long from = offset;
    ((CurrentEventsByTagQuery) journal)
        .currentEventsByTag(ChannelEntity.EVENT_TAG, Offset.sequence(from))
        .via(withoutGaps(system, journal))
        .runWith(Sink.foreach(this::project), system)
        .whenComplete(
            (done, error) -> {
              if (error != null) {
                log.warn(
                    "cannot read the channel events after offset {} (asked again in 1 s): {}",
                    from,
                    error.toString());
                system
                    .scheduler()
                    .scheduleOnce(
                        Duration.ofSeconds(1), () -> filled(false), system.executionContext());
              } else {
                filled(true);
              }
            });
  }

  /** A fill ended: {@code read}, it read the tag to its end (else it is asked again). */
  private synchronized void filled(boolean read) {
    filling = false;
    if (read && !written.isEmpty() && written.peek().firstOffset() > offset + 1) {
      // The tag holds nothing between: never ask for the same missing offsets again and again.
      log.warn(
          "the channel journal has no events at tag offsets {} to {}; following on after them",
          offset + 1,
          written.peek().firstOffset() - 1);
      offset = written.peek().firstOffset() - 1;
    }
    applyWritten();
  }

  /**
   * The read journal that goes with the write journal {@code system} uses: JDBC's when the journal
   * plugin is pekko-persistence-jdbc, LevelDB's otherwise.
   */
  public static ReadJournal readJournal(ActorSystem<?> system) {
    String plugin = system.settings().config().getString("pekko.persistence.journal.plugin");
    String id = plugin.contains("jdbc") ? JDBC : LEVELDB;
    return PersistenceQuery.get(system).getReadJournalFor(ReadJournal.class, id);
  }

  /**
   * Passes a channel's events on in sequence: when the tag stream skips some (it gives events in
   * the order of the journal's global ordering, which PostgreSQL assigns before commit, so an event
   * whose transaction commits late, as around an outage, can fall behind an offset the stream
   * already passed; a query restarted from an offset misses it for good), the missing ones are read
   * by channel first. The fold adds each progress event's blocks to the counters: a skipped one
   * left a channel that stored 12 blocks listed with 11 (JournalOutageTest, when its cases shared a
   * member).
   */
  private Flow<EventEnvelope, EventEnvelope, NotUsed> withoutGaps(
      ActorSystem<?> system, ReadJournal journal) {
    Map<ChannelId, Long> passed = new java.util.HashMap<>();
    return Flow.<EventEnvelope>create()
        .mapAsync(
            1,
            envelope -> {
              ChannelId id = channelOf(envelope);
              if (id == null) {
                return CompletableFuture.completedFuture(List.of(envelope));
              }
              long last = Math.max(passed.getOrDefault(id, 0L), foldedTo(id));
              passed.merge(id, envelope.sequenceNr(), Math::max);
              if (envelope.sequenceNr() <= last + 1
                  || !(journal instanceof CurrentEventsByPersistenceIdQuery byChannel)) {
                return CompletableFuture.completedFuture(List.of(envelope));
              }
              return byChannel
                  .currentEventsByPersistenceId(
                      envelope.persistenceId(), last + 1, envelope.sequenceNr() - 1)
                  .runWith(Sink.seq(), system)
                  .<List<EventEnvelope>>thenApply(
                      missing -> {
                        List<EventEnvelope> all = new ArrayList<>(missing);
                        all.add(envelope);
                        return all;
                      });
            })
        .mapConcat(all -> all);
  }

  private static ChannelId channelOf(EventEnvelope envelope) {
    if (!envelope.persistenceId().startsWith(CHANNEL_PREFIX)) {
      return null;
    }
    try {
      return ChannelId.parse(envelope.persistenceId().substring(CHANNEL_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private synchronized long foldedTo(ChannelId id) {
    return foldedTo.getOrDefault(id, 0L);
  }

  /**
   * The highest journal offset under the channel-event tag folded so far (0: none): where the
   * journal ends, as far as this model knows, a moment after each write.
   */
  public synchronized long offset() {
    return offset;
  }

  private synchronized void project(EventEnvelope envelope) {
    if (envelope.offset() instanceof Sequence s) {
      offset = Math.max(offset, s.value());
    }
    if (!envelope.persistenceId().startsWith(CHANNEL_PREFIX)
        || !(envelope.event() instanceof JournalEvent event)) {
      return;
    }
    ChannelId id = ChannelId.parse(envelope.persistenceId().substring(CHANNEL_PREFIX.length()));
    if (forgetting.contains(id)) {
      return;
    }
    if (envelope.sequenceNr() <= foldedTo.getOrDefault(id, 0L)) {
      return; // a stream resumed at an offset may start with the last event it already has
    }
    if (replaying) {
      replayedAtStart++;
    }
    foldedTo.put(id, envelope.sequenceNr());
    ChannelState before = folded.get(id);
    EntityState after = EntityState.of(before).apply(event);
    folded.put(id, after.channel());
    update(after.channel());
  }

  /** A state a channel published; kept unless a later one of the same channel is known. */
  public void update(ChannelState state) {
    if (forgetting.contains(state.channelId())) {
      return;
    }
    latest.merge(
        state.channelId(),
        state,
        (known, next) -> next.updatedAt().isBefore(known.updatedAt()) ? known : next);
  }

  /** Completes once the journal's channels have been replayed (from the checkpoint on). */
  public CompletionStage<Void> ready() {
    return caughtUp;
  }

  /**
   * Empty once the model caught up with the journal; until then, what it is doing (how many channel
   * events it replayed so far, from which offset), or why it cannot (the replay failed). The node
   * serves while the model catches up: listings say this instead of answering from a projection
   * that misses the journal's tail.
   */
  public Optional<String> catchingUp() {
    if (caughtUp.isDone() && !caughtUp.isCompletedExceptionally()) {
      return Optional.empty();
    }
    if (caughtUp.isCompletedExceptionally()) {
      Throwable cause = caughtUp.handle((ok, e) -> e).join();
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      return Optional.of("cannot read the channel journal: " + cause);
    }
    return Optional.of(
        "reading the channel journal: "
            + replayedAtStart()
            + " channel events replayed so far"
            + (resumedFrom > 0 ? " since the checkpoint at offset " + resumedFrom : ""));
  }

  /** Whether the replay of the journal at start failed (the model then knows no more). */
  public boolean failed() {
    return caughtUp.isCompletedExceptionally();
  }

  /** Every channel, in channel-id order, once the journal's channels have been replayed. */
  public CompletionStage<List<ChannelState>> channels() {
    return channels(id -> false);
  }

  /** Every channel but those {@code leaveOut} names, in channel-id order. */
  public CompletionStage<List<ChannelState>> channels(Predicate<ChannelId> leaveOut) {
    return channels(leaveOut, state -> true);
  }

  /**
   * The channels {@code keep} keeps but those {@code leaveOut} names, in channel-id order: a filter
   * applied before the order is made, so a listing of the few channels in one status costs a pass
   * over the map, not a sort of every channel.
   */
  public CompletionStage<List<ChannelState>> channels(
      Predicate<ChannelId> leaveOut, Predicate<ChannelState> keep) {
    return caughtUp.thenApply(
        ok -> {
          List<Map.Entry<String, ChannelState>> kept = new ArrayList<>();
          latest.forEach(
              (id, state) -> {
                if (keep.test(state) && !leaveOut.test(id)) {
                  kept.add(Map.entry(id.toString(), state));
                }
              });
          kept.sort(Map.Entry.comparingByKey());
          List<ChannelState> all = new ArrayList<>(kept.size());
          kept.forEach(e -> all.add(e.getValue()));
          return all;
        });
  }

  /**
   * The channels {@code keep} keeps but those {@code leaveOut} names, in no particular order: one
   * pass over the map, for a caller that orders (or pages) them itself.
   */
  public CompletionStage<List<ChannelState>> unordered(
      Predicate<ChannelId> leaveOut, Predicate<ChannelState> keep) {
    return caughtUp.thenApply(
        ok -> {
          List<ChannelState> kept = new ArrayList<>();
          latest.forEach(
              (id, state) -> {
                if (keep.test(state) && !leaveOut.test(id)) {
                  kept.add(state);
                }
              });
          return kept;
        });
  }

  /** The channel's latest known state; empty when the journal holds no channel of that id. */
  public Optional<ChannelState> channel(ChannelId id) {
    return Optional.ofNullable(latest.get(id));
  }

  /** The channels that are not terminal, as of now (nothing before the replay caught up). */
  public Set<ChannelId> unfinished() {
    Set<ChannelId> ids = new TreeSet<>(Comparator.comparing(ChannelId::toString));
    latest.forEach(
        (id, state) -> {
          if (!state.status().isTerminal()) {
            ids.add(id);
          }
        });
    return ids;
  }

  /** How many channels are in each status, once the journal's channels have been replayed. */
  public CompletionStage<Map<Status, Integer>> counts(Predicate<ChannelId> leaveOut) {
    return channels(leaveOut)
        .thenApply(
            all -> {
              Map<Status, Integer> counts = new EnumMap<>(Status.class);
              all.forEach(s -> counts.merge(s.status(), 1, Integer::sum));
              return counts;
            });
  }

  /** The tag offset this model resumed from at its start (0: it replayed the whole tag). */
  public long resumedFrom() {
    return resumedFrom;
  }

  /** How many channel events the start replayed before the model caught up. */
  public synchronized long replayedAtStart() {
    return replayedAtStart;
  }

  private synchronized void saveCheckpoint() {
    if (saved && offset == savedOffset && forgotten.isEmpty()) {
      return;
    }
    checkpoints.save(
        new ReadModelCheckpoints.Projection(
            offset, List.copyOf(folded.values()), Map.copyOf(foldedTo)));
    savedOffset = offset;
    saved = true;
    if (!forgotten.isEmpty() && !replaying && !filling && written.isEmpty()) {
      // Caught up, nothing held: every event of the forgotten channels is behind the offset
      // saved, so neither this model nor one started from this checkpoint meets them again.
      forgetting.clear();
      List<CompletableFuture<Void>> done = List.copyOf(forgotten);
      forgotten.clear();
      // Not on this lock: what waits (the purged-channels file) writes to disk.
      java.util.concurrent.Executor later =
          system != null ? system.executionContext() : Runnable::run;
      done.forEach(f -> f.completeAsync(() -> null, later));
    }
  }

  /**
   * Drops {@code ids} (purged channels) from the model. Completes once a checkpoint without them is
   * saved with the model past all their events (within {@link #FORGET_SAVE_AFTER} once the model
   * caught up): from then on neither the model nor a start from its checkpoint holds them.
   */
  public CompletionStage<Void> forget(java.util.Collection<ChannelId> ids) {
    CompletableFuture<Void> saved = new CompletableFuture<>();
    synchronized (this) {
      for (ChannelId id : ids) {
        forgetting.add(id);
        folded.remove(id);
        foldedTo.remove(id);
        latest.remove(id);
      }
      if (closed) {
        saved.completeExceptionally(new IllegalStateException("the channel read model closed"));
        return saved;
      }
      forgotten.add(saved);
      saveForgottenSoon();
    }
    return saved;
  }

  private synchronized void saveForgottenSoon() {
    if (!forgetSaveDue && system != null) {
      forgetSaveDue = true;
      system
          .scheduler()
          .scheduleOnce(FORGET_SAVE_AFTER, this::saveForgotten, system.executionContext());
    }
  }

  private synchronized void saveForgotten() {
    forgetSaveDue = false;
    if (closed || forgotten.isEmpty()) {
      return;
    }
    if (replaying || filling || !written.isEmpty()) {
      saveForgottenSoon(); // not past their events yet
      return;
    }
    saveCheckpoint();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (saving != null) {
      saving.cancel();
    }
    if (live != null) {
      live.shutdown();
    }
    if (feed != null) {
      system.eventStream().tell(new EventStream.Unsubscribe<>(feed.narrow()));
      feed.tell(Unsubscribe.INSTANCE);
    }
    if (caughtUp.isDone() && !caughtUp.isCompletedExceptionally()) {
      saveCheckpoint();
    }
  }
}
