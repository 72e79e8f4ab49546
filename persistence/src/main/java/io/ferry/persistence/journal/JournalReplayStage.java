package io.ferry.persistence.journal;

import java.time.Duration;
import java.util.ArrayDeque;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.journal.leveldb.LeveldbJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import scala.runtime.BoxedUnit;

/**
 * A source of a LevelDB journal's events, read page by page from the journal actor ({@link
 * JournalReplay}). A current query ends at the highest offset the first page reports; a live one
 * ({@code refresh} not null) subscribes to the journal's notices of new events and reads again on
 * each, and every {@code refresh} in case a notice was missed.
 */
final class JournalReplayStage extends GraphStage<SourceShape<EventEnvelope>> {
  private static final Object REFRESH = "refresh";

  private final Outlet<EventEnvelope> out = Outlet.create("JournalReplay.out");
  private final SourceShape<EventEnvelope> shape = SourceShape.of(out);
  private final JournalReplay replay;
  private final long after;
  private final int pageSize;
  private final ActorRef journal;
  private final Duration refresh;

  /**
   * @param replay what to read
   * @param after the offset to start after (0: from the first event)
   * @param pageSize the most events asked for, and buffered, at once
   * @param journal the journal actor
   * @param refresh how often a live query reads again without a notice; null for a current query
   */
  JournalReplayStage(
      JournalReplay replay, long after, int pageSize, ActorRef journal, Duration refresh) {
    this.replay = replay;
    this.after = after;
    this.pageSize = pageSize;
    this.journal = journal;
    this.refresh = refresh;
  }

  @Override
  public SourceShape<EventEnvelope> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new Logic();
  }

  private final class Logic extends TimerGraphStageLogic {
    private final ArrayDeque<EventEnvelope> buffer = new ArrayDeque<>();
    private ActorRef self;

    /** The offset of the last event read (delivered or buffered). */
    private long readTo = after;

    /** Where a current query ends, once the first page told. */
    private long upTo = Long.MAX_VALUE;

    private boolean reading;

    /** Whether the journal may hold events after {@link #readTo}. */
    private boolean more = true;

    /** Whether a notice of new events came while a page was on its way. */
    private boolean noticed;

    private int pageCount;
    private boolean ended;

    Logic() {
      super(shape);
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              deliver();
              read();
              finishIfDone();
            }
          });
    }

    @Override
    public void preStart() {
      self =
          getStageActor(
                  message -> {
                    onReply(message._2());
                    return BoxedUnit.UNIT;
                  })
              .ref();
      if (refresh != null) {
        journal.tell(replay.subscription(), self);
        scheduleWithFixedDelay(REFRESH, refresh, refresh);
      }
      read();
    }

    @Override
    public void onTimer(Object key) {
      more = true;
      noticed = reading;
      read();
    }

    /** Asks the journal for the next page, unless one is on its way or the buffer is full. */
    private void read() {
      if (reading || !more || ended || buffer.size() >= pageSize) {
        return;
      }
      reading = true;
      pageCount = 0;
      journal.tell(replay.request(readTo, upTo, pageSize - buffer.size(), self), self);
    }

    private void onReply(Object reply) {
      EventEnvelope envelope = replay.envelope(reply);
      if (envelope != null) {
        buffer.add(envelope);
        readTo = offsetOf(envelope);
        pageCount++;
        deliver();
      } else if (reply instanceof JournalProtocol.RecoverySuccess success) {
        reading = false;
        onPageRead(success.highestSequenceNr());
      } else if (reply instanceof JournalProtocol.ReplayMessagesFailure failure) {
        failStage(failure.cause());
      } else if (reply instanceof LeveldbJournal.TaggedEventAppended
          || reply instanceof LeveldbJournal.EventAppended) {
        more = true;
        noticed = reading;
        read();
      }
    }

    private void onPageRead(long highest) {
      if (refresh == null) {
        upTo = Math.min(upTo, highest);
        // A short page (deleted events) or the end reached: nothing more to read.
        ended = pageCount == 0 || readTo >= upTo;
      } else {
        // Read on when the page may have left events behind or a notice came meanwhile;
        // otherwise wait for the next notice (or the timer).
        more = noticed || (pageCount > 0 && readTo < highest);
        noticed = false;
      }
      read();
      finishIfDone();
    }

    private void deliver() {
      if (!buffer.isEmpty() && isAvailable(out)) {
        push(out, buffer.poll());
      }
    }

    private void finishIfDone() {
      if (ended && buffer.isEmpty()) {
        completeStage();
      }
    }
  }

  private static long offsetOf(EventEnvelope envelope) {
    return ((org.apache.pekko.persistence.query.Sequence) envelope.offset()).value();
  }

  @Override
  public String toString() {
    return replay.describe();
  }
}
