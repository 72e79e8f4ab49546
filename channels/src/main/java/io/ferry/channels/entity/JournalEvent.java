package io.ferry.channels.entity;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Instant;
import java.util.List;

/**
 * What the channel actor writes to its journal: one past-tense record per thing that happened, each
 * naming the {@link EventCode} subscribers see for it (its {@link Code}, or its own {@link #code()}
 * where the code depends on a field). {@link #applyTo} is the event's part of the fold (field
 * changes); the status change comes from the transition table. Vouchers stay {@link TypedVoucher}s,
 * so the journal never depends on plug-in classes. Records, components and their names are the
 * journal's format: {@code StoredJournalEventsTest} reads back events stored by earlier builds.
 */
public sealed interface JournalEvent extends CborSerializable {
  /** The event code subscribers see: the record's {@link Code}, unless it works it out itself. */
  default EventCode code() {
    Code code = getClass().getAnnotation(Code.class);
    if (code == null) {
      throw new IllegalStateException(
          getClass().getName() + " has neither a @Code nor its own code()");
    }
    return code.value();
  }

  /** When it happened. */
  Instant at();

  /** More about it, for subscribers; empty when nothing to add. */
  default String message() {
    return "";
  }

  /** The event's own changes to the state; status and timestamp are set by the fold. */
  default ChannelState applyTo(ChannelState state) {
    return state;
  }

  /** The event code of a record whose code does not depend on its fields. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface Code {
    EventCode value();
  }

  /**
   * An event with a reason: subscribers see the reason as the message, and the channel keeps it.
   */
  sealed interface Reasoned extends JournalEvent {
    /** What happened, in words. */
    String reason();

    @Override
    default String message() {
      return reason();
    }

    @Override
    default ChannelState applyTo(ChannelState s) {
      return s.withMessage(reason());
    }
  }

  /** The channel was created, on either side. The first event of every channel. */
  @Code(EventCode.Open)
  record Opened(
      ChannelId channelId,
      PeerId self,
      PeerId sender,
      PeerId recipient,
      Cid baseCid,
      Selector selector,
      TypedVoucher voucher,
      Instant at)
      implements JournalEvent {
    /** The state of a channel that was just opened. */
    public ChannelState newState() {
      List<TypedVoucher> vouchers = voucher == null ? List.of() : List.of(voucher);
      return new ChannelState(
          channelId,
          self,
          baseCid,
          selector,
          sender,
          recipient,
          0,
          Status.Requested,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          false,
          false,
          false,
          false,
          0,
          "",
          vouchers,
          List.of(),
          at,
          at);
    }
  }

  /** The request went out (initiator) or the responder's data side started. */
  @Code(EventCode.TransferInitiated)
  record TransferStarted(Instant at) implements JournalEvent {}

  /** The transport holds the channel's data until a slot under its concurrency limits frees. */
  @Code(EventCode.TransferRequestQueued)
  record TransferQueued(Instant at) implements JournalEvent {}

  /** The responder accepted the request. */
  @Code(EventCode.Accept)
  record Accepted(Instant at) implements JournalEvent {
    /** An answer came back: a channel that stalled before it was accepted is connected again. */
    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withStalled(false);
    }
  }

  /** The channel was restarted; data continues after the blocks the receiver holds. */
  @Code(EventCode.Restart)
  record Restarted(Instant at) implements JournalEvent {
    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withStalled(false).withMessage("").withRestartAttempts(s.restartAttempts() + 1);
    }
  }

  /** Blocks seen for the first time: the counters grow by exactly these amounts. */
  record ProgressRecorded(Direction direction, long blocks, long bytes, Instant at)
      implements JournalEvent {
    @Override
    public EventCode code() {
      return switch (direction) {
        case QUEUED -> EventCode.DataQueuedProgress;
        case SENT -> EventCode.DataSentProgress;
        case RECEIVED -> EventCode.DataReceivedProgress;
      };
    }

    @Override
    public String message() {
      return blocks + " new blocks, " + bytes + " bytes";
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      ChannelState moved =
          switch (direction) {
            case QUEUED -> s.addQueued(bytes, blocks);
            case SENT -> s.addSent(bytes, blocks);
            case RECEIVED -> s.addReceived(bytes, blocks);
          };
      return moved.withStalled(false).withRestartAttempts(0);
    }
  }

  /** A batch of blocks moved, repeats included; counters do not change. */
  record BlocksMoved(Direction direction, long blocks, long bytes, long nextIndex, Instant at)
      implements JournalEvent {
    @Override
    public EventCode code() {
      return switch (direction) {
        case QUEUED -> EventCode.DataQueued;
        case SENT -> EventCode.DataSent;
        case RECEIVED -> EventCode.DataReceived;
      };
    }

    @Override
    public String message() {
      return blocks + " blocks, " + bytes + " bytes, up to traversal index " + nextIndex;
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withStalled(false);
    }
  }

  /** The initiator sent a voucher. */
  @Code(EventCode.NewVoucher)
  record VoucherSent(TypedVoucher voucher, Instant at) implements JournalEvent {
    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withVoucher(voucher);
    }
  }

  /** The responder received a voucher. */
  @Code(EventCode.NewVoucher)
  record VoucherReceived(TypedVoucher voucher, Instant at) implements JournalEvent {
    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withVoucher(voucher);
    }
  }

  /** A voucher result was produced (responder) or received (initiator). */
  @Code(EventCode.NewVoucherResult)
  record VoucherResultRecorded(TypedVoucher result, Instant at) implements JournalEvent {
    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withVoucherResult(result);
    }
  }

  /** The responder lets this many bytes through before pausing itself (0 = no limit). */
  @Code(EventCode.SetDataLimit)
  record DataLimitSet(long bytes, Instant at) implements JournalEvent {
    @Override
    public String message() {
      return "data limit " + bytes + " bytes";
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withDataLimit(bytes);
    }
  }

  /** The responder will wait for a final voucher before it completes. */
  @Code(EventCode.SetRequiresFinalization)
  record FinalizationRequired(Instant at) implements JournalEvent {
    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withRequiresFinalization(true);
    }
  }

  /** One side paused. */
  record Paused(Side side, String reason, Instant at) implements JournalEvent {
    @Override
    public EventCode code() {
      return side == Side.INITIATOR ? EventCode.PauseInitiator : EventCode.PauseResponder;
    }

    @Override
    public String message() {
      return reason;
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return side == Side.INITIATOR ? s.withInitiatorPaused(true) : s.withResponderPaused(true);
    }
  }

  /** One side resumed. */
  record Resumed(Side side, Instant at) implements JournalEvent {
    @Override
    public EventCode code() {
      return side == Side.INITIATOR ? EventCode.ResumeInitiator : EventCode.ResumeResponder;
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return side == Side.INITIATOR ? s.withInitiatorPaused(false) : s.withResponderPaused(false);
    }
  }

  /** The data limit was reached: the responder paused itself until a voucher raises it. */
  @Code(EventCode.DataLimitExceeded)
  record DataLimitReached(long bytes, Instant at) implements JournalEvent {
    @Override
    public String message() {
      return "data limit reached after " + bytes + " bytes";
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withResponderPaused(true);
    }
  }

  /** The initiator's side finished sending or receiving. */
  @Code(EventCode.FinishTransfer)
  record TransferFinished(Instant at) implements JournalEvent {}

  /** The initiator heard that the responder completed. */
  @Code(EventCode.ResponderCompletes)
  record ResponderCompleted(Instant at) implements JournalEvent {}

  /** The initiator heard that the responder waits for a final voucher. */
  @Code(EventCode.ResponderBeginsFinalization)
  record ResponderFinalizing(Instant at) implements JournalEvent {}

  /** The responder finished and waits for a final voucher. */
  @Code(EventCode.BeginFinalizing)
  record FinalizationBegun(Instant at) implements JournalEvent {}

  /** The responder completed. */
  @Code(EventCode.Complete)
  record Completed(Instant at) implements JournalEvent {}

  /** One side cancelled. */
  @Code(EventCode.Cancel)
  record Cancelled(String reason, Instant at) implements Reasoned {}

  /** Something went wrong; the reason says what. */
  @Code(EventCode.Error)
  record Failed(String reason, Instant at) implements Reasoned {}

  /** Cleanup finished; the channel is terminal. */
  @Code(EventCode.CleanupComplete)
  record CleanupCompleted(Instant at) implements JournalEvent {}

  /** A restart found the channel cleaning up; cleanup runs again. */
  @Code(EventCode.CompleteCleanupOnRestart)
  record CleanupResumed(Instant at) implements JournalEvent {}

  /**
   * A restart attempt failed: its request could not be sent, got no answer in time, or the
   * connection dropped before the answer. The channel stays stalled and counts the attempt. Its
   * code is {@link EventCode#Disconnected}, as go-data-transfer reports a restart request it cannot
   * send.
   */
  @Code(EventCode.Disconnected)
  record RestartFailed(String reason, Instant at) implements Reasoned {
    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withStalled(true).withMessage(reason).withRestartAttempts(s.restartAttempts() + 1);
    }
  }

  /** The connection to the other peer was lost; the channel waits for it (stalled). */
  @Code(EventCode.Disconnected)
  record Disconnected(String reason, Instant at) implements Reasoned {
    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withStalled(true).withMessage(reason);
    }
  }

  /** A protocol message could not be sent. */
  @Code(EventCode.SendMessageError)
  record MessageNotSent(String reason, Instant at) implements Reasoned {}
}
