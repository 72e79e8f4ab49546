package io.ferry.server.http;

import io.ferry.channels.ChannelId;
import io.ferry.engine.wiring.EventHub;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A following {@code /v1/events} stream on a node whose channels all run here: the journal up to
 * its current end, then the node's events as its channels publish them ({@link EventHub}), with no
 * journal query between a channel and its subscribers. Reading the journal live delayed events by
 * seconds under load: each new event costs a query that waits in the journal's queue behind the
 * writes of every busy channel (9.6 s p99 with 1,000 channels opening).
 *
 * <p>Live events carry a cursor as their SSE id, {@code OFFSET.EPOCH.NUMBER}: the journal offset
 * the stream had read up to, and the event's number in the hub of this run of the node. A client
 * that resumes with such an id gets exactly the events after it while the hub still keeps them;
 * otherwise (the node restarted, or more events passed than it keeps) it gets the journal's events
 * after OFFSET, so events delivered live after that offset may come again, but none is lost. A
 * subscriber that falls more than the hub's capacity behind gets a {@code dropped} event saying so,
 * and the stream ends; the others are not held up.
 */
final class LiveTail {
  /** The SSE event type that tells a subscriber it was dropped for falling behind. */
  static final String DROPPED = "dropped";

  /**
   * How long before a stream started an event may have been decided and still be published live
   * after its start (its journal write queued that long): such events, when the journal part
   * already carried them, are not sent twice.
   */
  private static final Duration WRITE_DELAY = Duration.ofMinutes(10);

  /**
   * Where a stream resumes: after a journal offset, and after a live event when the id was one.
   *
   * @param offset the journal offset read up to
   * @param epoch the hub epoch of {@code number}; 0 when the id was a journal offset only
   * @param number the live event's number, or -1
   */
  record Cursor(long offset, long epoch, long number) {
    static Cursor journal(long offset) {
      return new Cursor(offset, 0, -1);
    }

    /** {@code N} or {@code N.EPOCH.NUMBER}, every part a number >= 0. */
    static Cursor parse(String text, String what) {
      String[] parts = text.strip().split("\\.", -1);
      try {
        if (parts.length == 1) {
          return journal(nonNegative(parts[0]));
        }
        if (parts.length == 3) {
          return new Cursor(nonNegative(parts[0]), nonNegative(parts[1]), nonNegative(parts[2]));
        }
      } catch (NumberFormatException e) {
        // refused below
      }
      throw new IllegalArgumentException(
          what
              + " must be an event id (a number >= 0)"
              + (what.equals("after") ? " or 'now'" : "")
              + ", was '"
              + text
              + "'");
    }

    private static long nonNegative(String s) {
      long v = Long.parseLong(s);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    }

    String id() {
      return number < 0 ? Long.toString(offset) : offset + "." + epoch + "." + number;
    }
  }

  /** The SSE bytes of one journal event (its offset is its id). */
  interface Render {
    ByteString journal(NodeBackend.JournalEvent e);

    ByteString live(EventHub.Live e, String id);

    ByteString dropped(String reason);
  }

  private final NodeBackend node;
  private final EventHub hub;
  private final Render render;

  LiveTail(NodeBackend node, EventHub hub, Render render) {
    this.node = node;
    this.hub = hub;
    this.render = render;
  }

  /** The stream after {@code cursor}, of one channel's events or of all. */
  Source<ByteString, NotUsed> after(Cursor cursor, Optional<ChannelId> channel) {
    if (cursor.number() >= 0 && cursor.epoch() == hub.epoch()) {
      Optional<Source<EventHub.Live, NotUsed>> kept = hub.liveAfter(cursor.number());
      if (kept.isPresent()) {
        return live(kept.get(), cursor.offset(), channel, e -> false);
      }
    }
    long start = hub.lastNumber();
    CaughtUp caught = new CaughtUp(cursor.offset(), Instant.now().minus(WRITE_DELAY));
    Source<ByteString, NotUsed> journal =
        node.journalEvents(cursor.offset(), false)
            .map(caught::saw)
            .filter(e -> channel.isEmpty() || e.channelId().equals(channel.get()))
            .map(render::journal);
    Source<ByteString, NotUsed> then =
        Source.lazySource(
                () ->
                    hub.liveAfter(start)
                        .map(live -> live(live, caught.offset, channel, caught::carried))
                        // more events passed during the catch-up than the hub keeps: read on
                        // from the journal, as a cluster member does
                        .orElseGet(
                            () ->
                                node.journalEvents(caught.offset, true)
                                    .filter(
                                        e ->
                                            channel.isEmpty()
                                                || e.channelId().equals(channel.get()))
                                    .map(render::journal)))
            .mapMaterializedValue(m -> NotUsed.getInstance());
    return journal.concat(then);
  }

  private Source<ByteString, NotUsed> live(
      Source<EventHub.Live, NotUsed> events,
      long offset,
      Optional<ChannelId> channel,
      Function<EventHub.Live, Boolean> alreadySent) {
    return events
        .filter(e -> channel.isEmpty() || e.state().channelId().equals(channel.get()))
        .filter(e -> !alreadySent.apply(e))
        .map(e -> render.live(e, new Cursor(offset, hub.epoch(), e.number()).id()))
        .recover(
            new PFBuilder<Throwable, ByteString>()
                .match(EventHub.FellBehind.class, e -> render.dropped(e.getMessage()))
                .build());
  }

  /** What the journal part of one stream carried: how far it read, each channel's last event. */
  private static final class CaughtUp {
    private final Instant recentFrom;
    private final Map<ChannelId, Long> lastSequenceNr = new HashMap<>();
    private volatile long offset;

    CaughtUp(long offset, Instant recentFrom) {
      this.offset = offset;
      this.recentFrom = recentFrom;
    }

    synchronized NodeBackend.JournalEvent saw(NodeBackend.JournalEvent e) {
      offset = Math.max(offset, e.offset());
      if (!e.event().timestamp().isBefore(recentFrom)) {
        lastSequenceNr.merge(e.channelId(), e.event().sequenceNr(), Math::max);
      }
      return e;
    }

    synchronized boolean carried(EventHub.Live e) {
      Long last = lastSequenceNr.get(e.state().channelId());
      return last != null && e.event().sequenceNr() <= last;
    }
  }
}
