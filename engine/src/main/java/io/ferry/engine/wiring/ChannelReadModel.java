package io.ferry.engine.wiring;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.entity.EntityState;
import io.ferry.channels.entity.JournalEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Every channel this node's journal holds, as a read model projected from the channel entity's
 * tagged event stream (Pekko Persistence Query, {@code eventsByTag}) with the same pure fold the
 * entity recovers with ({@link EntityState#apply}). Listing, counts and metrics read it, so they
 * never wake a channel actor: after a restart it replays the tag from the start, then follows it
 * live. A node feeds it the states its channels publish as well ({@link #update}), so a listing
 * taken right after an event already shows it; of two states of a channel the later one wins.
 * Channels that {@code gone} names (purged ones) are left out.
 */
public final class ChannelReadModel implements AutoCloseable {
  /** The read journal of Pekko's LevelDB journal. */
  public static final String LEVELDB = "pekko.persistence.query.journal.leveldb";

  /** The read journal of pekko-persistence-jdbc (the PostgreSQL journal). */
  public static final String JDBC = "jdbc-read-journal";

  private static final String CHANNEL_PREFIX = ChannelEntity.TYPE_KEY.name() + "|";

  private final Map<ChannelId, ChannelState> folded = new ConcurrentHashMap<>();
  private final Map<ChannelId, Long> foldedTo = new ConcurrentHashMap<>();
  private final Map<ChannelId, ChannelState> latest = new ConcurrentHashMap<>();
  private final Predicate<ChannelId> gone;
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private final AtomicLong offset = new AtomicLong();
  private volatile UniqueKillSwitch live;
  private volatile boolean closed;

  private ChannelReadModel(Predicate<ChannelId> gone) {
    this.gone = gone;
  }

  /**
   * Replays the channel tag of {@code system}'s journal, then follows it.
   *
   * @param gone channels to leave out (purged ones), asked at every read
   */
  public static ChannelReadModel start(ActorSystem<?> system, Predicate<ChannelId> gone) {
    ChannelReadModel model = new ChannelReadModel(gone);
    ReadJournal journal = readJournal(system);
    ((CurrentEventsByTagQuery) journal)
        .currentEventsByTag(ChannelEntity.EVENT_TAG, Offset.noOffset())
        .runWith(Sink.foreach(model::project), system)
        .whenComplete(
            (done, error) -> {
              if (error != null) {
                model.caughtUp.completeExceptionally(error);
                return;
              }
              model.caughtUp.complete(null);
              model.follow(system, (EventsByTagQuery) journal);
            });
    return model;
  }

  private synchronized void follow(ActorSystem<?> system, EventsByTagQuery journal) {
    if (closed) {
      return;
    }
    live =
        journal
            .eventsByTag(ChannelEntity.EVENT_TAG, Offset.sequence(offset.get()))
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.foreach(this::project), Keep.left())
            .run(system);
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

  private void project(EventEnvelope envelope) {
    if (envelope.offset() instanceof Sequence s) {
      offset.accumulateAndGet(s.value(), Math::max);
    }
    if (!envelope.persistenceId().startsWith(CHANNEL_PREFIX)
        || !(envelope.event() instanceof JournalEvent event)) {
      return;
    }
    ChannelId id = ChannelId.parse(envelope.persistenceId().substring(CHANNEL_PREFIX.length()));
    if (envelope.sequenceNr() <= foldedTo.getOrDefault(id, 0L)) {
      return; // the live stream may start with the replay's last event
    }
    foldedTo.put(id, envelope.sequenceNr());
    ChannelState before = folded.get(id);
    EntityState after = EntityState.of(before).apply(event);
    folded.put(id, after.channel());
    update(after.channel());
  }

  /** A state a channel published; kept unless a later one of the same channel is known. */
  public void update(ChannelState state) {
    latest.merge(
        state.channelId(),
        state,
        (known, next) -> next.updatedAt().isBefore(known.updatedAt()) ? known : next);
  }

  /** Every channel, in channel-id order, once the journal's channels have been replayed. */
  public CompletionStage<List<ChannelState>> channels() {
    return caughtUp.thenApply(
        ok -> {
          List<ChannelState> all = new ArrayList<>();
          latest.forEach(
              (id, state) -> {
                if (!gone.test(id)) {
                  all.add(state);
                }
              });
          all.sort(Comparator.comparing(s -> s.channelId().toString()));
          return all;
        });
  }

  /** How many channels are in each status, once the journal's channels have been replayed. */
  public CompletionStage<Map<Status, Integer>> counts() {
    return channels()
        .thenApply(
            all -> {
              Map<Status, Integer> counts = new EnumMap<>(Status.class);
              all.forEach(s -> counts.merge(s.status(), 1, Integer::sum));
              return counts;
            });
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (live != null) {
      live.shutdown();
    }
  }
}
