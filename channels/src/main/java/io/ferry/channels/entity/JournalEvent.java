package io.ferry.channels.entity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Counters;
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

  /**
   * The status the event left the channel in, so that replay never asks today's transition table
   * about yesterday's events. Null only in journals written before events recorded it: replay then
   * asks the table, and fails if the table refuses the event.
   */
  Status status();

  /** This event, recording that it left the channel in {@code status}. */
  JournalEvent producing(Status status);

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
      Instant at,
      @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public Opened(
        ChannelId channelId,
        PeerId self,
        PeerId sender,
        PeerId recipient,
        Cid baseCid,
        Selector selector,
        TypedVoucher voucher,
        Instant at) {
      this(channelId, self, sender, recipient, baseCid, selector, voucher, at, null);
    }

    @Override
    public Opened producing(Status status) {
      return new Opened(channelId, self, sender, recipient, baseCid, selector, voucher, at, status);
    }

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
          Counters.NONE,
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

  /**
   * The request went out (initiator) or the responder's data side started; a channel that was
   * queued drops the queue's reason from its message.
   */
  @Code(EventCode.TransferInitiated)
  record TransferStarted(Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public TransferStarted(Instant at) {
      this(at, null);
    }

    @Override
    public TransferStarted producing(Status status) {
      return new TransferStarted(at, status);
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.message().startsWith(TransferQueued.PREFIX) ? s.withMessage("") : s;
    }
  }

  /**
   * The transport holds the channel's data until a slot under its concurrency limits, or the node's
   * memory, frees; {@code reason} (null in events written before it existed) says which, and the
   * channel keeps it as its message while it waits.
   */
  @Code(EventCode.TransferRequestQueued)
  record TransferQueued(
      Instant at,
      @JsonInclude(Include.NON_NULL) String reason,
      @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    /** How a queued channel's message starts. */
    public static final String PREFIX = "queued: ";

    public TransferQueued(Instant at) {
      this(at, null, null);
    }

    @Override
    public TransferQueued producing(Status status) {
      return new TransferQueued(at, reason, status);
    }

    @Override
    public String message() {
      return reason == null ? JournalEvent.super.message() : reason;
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return reason == null ? s : s.withMessage(reason);
    }
  }

  /** The responder accepted the request. */
  @Code(EventCode.Accept)
  record Accepted(Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public Accepted(Instant at) {
      this(at, null);
    }

    @Override
    public Accepted producing(Status status) {
      return new Accepted(at, status);
    }

    /** An answer came back: a channel that stalled before it was accepted is connected again. */
    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withStalled(false);
    }
  }

  /**
   * The channel was restarted; data continues after the blocks the receiver holds. {@code by} names
   * the actor incarnation that recorded it (null in journals written before it did): a responder's
   * restart holds for its own incarnation ({@link EntityState.RestartedHere}).
   */
  @Code(EventCode.Restart)
  record Restarted(
      Instant at,
      @JsonInclude(Include.NON_NULL) Status status,
      @JsonInclude(Include.NON_NULL) String by)
      implements JournalEvent {
    public Restarted(Instant at) {
      this(at, null, null);
    }

    public Restarted(Instant at, String by) {
      this(at, null, by);
    }

    /** Whether the actor incarnation {@code self} recorded it. */
    boolean isBy(String self) {
      return by != null && by.equals(self);
    }

    @Override
    public Restarted producing(Status status) {
      return new Restarted(at, status, by);
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withStalled(false).withMessage("").withRestartAttempts(s.restartAttempts() + 1);
    }
  }

  /**
   * A restart request went to the other peer (initiator: RESTART; responder:
   * RESTART_EXISTING_CHANNEL): an attempt began, which ends {@link Restarted} or {@link
   * RestartFailed}. {@code by} names the actor incarnation that sent it; only that incarnation
   * awaits the answer ({@link EntityState.AwaitingRestart}), since a successor has none of its data
   * side open.
   */
  @Code(EventCode.RestartRequested)
  record RestartRequested(String by, Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public RestartRequested(String by, Instant at) {
      this(by, at, null);
    }

    /** Whether the actor incarnation {@code self} sent it. */
    boolean isBy(String self) {
      return by.equals(self);
    }

    @Override
    public RestartRequested producing(Status status) {
      return new RestartRequested(by, at, status);
    }
  }

  /** Blocks seen for the first time: the counters grow by exactly these amounts. */
  record ProgressRecorded(
      Direction direction,
      long blocks,
      long bytes,
      Instant at,
      @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public ProgressRecorded(Direction direction, long blocks, long bytes, Instant at) {
      this(direction, blocks, bytes, at, null);
    }

    @Override
    public ProgressRecorded producing(Status status) {
      return new ProgressRecorded(direction, blocks, bytes, at, status);
    }

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
      // Counted blocks do not end a stall: they may have arrived before the connection dropped and
      // been verified and stored after it. Cleared so, the stall armed no restart and the channel
      // waited for good (ResponderGoneOverTcpTest under load). Only an answer (Accepted,
      // Restarted) proves the peer is back.
      return moved.withRestartAttempts(0);
    }
  }

  /** A batch of blocks moved, repeats included; counters do not change. */
  record BlocksMoved(
      Direction direction,
      long blocks,
      long bytes,
      long nextIndex,
      Instant at,
      @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public BlocksMoved(Direction direction, long blocks, long bytes, long nextIndex, Instant at) {
      this(direction, blocks, bytes, nextIndex, at, null);
    }

    @Override
    public BlocksMoved producing(Status status) {
      return new BlocksMoved(direction, blocks, bytes, nextIndex, at, status);
    }

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
  }

  /** The initiator sent a voucher. */
  @Code(EventCode.NewVoucher)
  record VoucherSent(TypedVoucher voucher, Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public VoucherSent(TypedVoucher voucher, Instant at) {
      this(voucher, at, null);
    }

    @Override
    public VoucherSent producing(Status status) {
      return new VoucherSent(voucher, at, status);
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withVoucher(voucher);
    }
  }

  /** The responder received a voucher. */
  @Code(EventCode.NewVoucher)
  record VoucherReceived(
      TypedVoucher voucher, Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public VoucherReceived(TypedVoucher voucher, Instant at) {
      this(voucher, at, null);
    }

    @Override
    public VoucherReceived producing(Status status) {
      return new VoucherReceived(voucher, at, status);
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withVoucher(voucher);
    }
  }

  /** A voucher result was produced (responder) or received (initiator). */
  @Code(EventCode.NewVoucherResult)
  record VoucherResultRecorded(
      TypedVoucher result, Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public VoucherResultRecorded(TypedVoucher result, Instant at) {
      this(result, at, null);
    }

    @Override
    public VoucherResultRecorded producing(Status status) {
      return new VoucherResultRecorded(result, at, status);
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withVoucherResult(result);
    }
  }

  /** The responder lets this many bytes through before pausing itself (0 = no limit). */
  @Code(EventCode.SetDataLimit)
  record DataLimitSet(long bytes, Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public DataLimitSet(long bytes, Instant at) {
      this(bytes, at, null);
    }

    @Override
    public DataLimitSet producing(Status status) {
      return new DataLimitSet(bytes, at, status);
    }

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
  record FinalizationRequired(Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public FinalizationRequired(Instant at) {
      this(at, null);
    }

    @Override
    public FinalizationRequired producing(Status status) {
      return new FinalizationRequired(at, status);
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withRequiresFinalization(true);
    }
  }

  /** One side paused. */
  record Paused(Side side, String reason, Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public Paused(Side side, String reason, Instant at) {
      this(side, reason, at, null);
    }

    @Override
    public Paused producing(Status status) {
      return new Paused(side, reason, at, status);
    }

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
  record Resumed(Side side, Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public Resumed(Side side, Instant at) {
      this(side, at, null);
    }

    @Override
    public Resumed producing(Status status) {
      return new Resumed(side, at, status);
    }

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
  record DataLimitReached(long bytes, Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public DataLimitReached(long bytes, Instant at) {
      this(bytes, at, null);
    }

    @Override
    public DataLimitReached producing(Status status) {
      return new DataLimitReached(bytes, at, status);
    }

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
  record TransferFinished(Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public TransferFinished(Instant at) {
      this(at, null);
    }

    @Override
    public TransferFinished producing(Status status) {
      return new TransferFinished(at, status);
    }
  }

  /** The initiator heard that the responder completed. */
  @Code(EventCode.ResponderCompletes)
  record ResponderCompleted(Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public ResponderCompleted(Instant at) {
      this(at, null);
    }

    @Override
    public ResponderCompleted producing(Status status) {
      return new ResponderCompleted(at, status);
    }
  }

  /** The initiator heard that the responder waits for a final voucher. */
  @Code(EventCode.ResponderBeginsFinalization)
  record ResponderFinalizing(Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public ResponderFinalizing(Instant at) {
      this(at, null);
    }

    @Override
    public ResponderFinalizing producing(Status status) {
      return new ResponderFinalizing(at, status);
    }
  }

  /** The responder finished and waits for a final voucher. */
  @Code(EventCode.BeginFinalizing)
  record FinalizationBegun(Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public FinalizationBegun(Instant at) {
      this(at, null);
    }

    @Override
    public FinalizationBegun producing(Status status) {
      return new FinalizationBegun(at, status);
    }
  }

  /**
   * The responder completed its side: the channel enters Completing, whose cleanup ends it
   * Completed. Journals before the rename hold it as {@code Completed} ({@link
   * RenamedJournalEvents}).
   */
  @Code(EventCode.Complete)
  record CompletionBegun(Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public CompletionBegun(Instant at) {
      this(at, null);
    }

    @Override
    public CompletionBegun producing(Status status) {
      return new CompletionBegun(at, status);
    }
  }

  /** One side cancelled. */
  @Code(EventCode.Cancel)
  record Cancelled(String reason, Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements Reasoned {
    public Cancelled(String reason, Instant at) {
      this(reason, at, null);
    }

    @Override
    public Cancelled producing(Status status) {
      return new Cancelled(reason, at, status);
    }
  }

  /** Something went wrong; the reason says what. */
  @Code(EventCode.Error)
  record Failed(String reason, Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements Reasoned {
    public Failed(String reason, Instant at) {
      this(reason, at, null);
    }

    @Override
    public Failed producing(Status status) {
      return new Failed(reason, at, status);
    }
  }

  /** Cleanup finished; the channel is terminal. */
  @Code(EventCode.CleanupComplete)
  record CleanupCompleted(Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public CleanupCompleted(Instant at) {
      this(at, null);
    }

    @Override
    public CleanupCompleted producing(Status status) {
      return new CleanupCompleted(at, status);
    }
  }

  /** A restart found the channel cleaning up; cleanup runs again. */
  @Code(EventCode.CompleteCleanupOnRestart)
  record CleanupResumed(Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements JournalEvent {
    public CleanupResumed(Instant at) {
      this(at, null);
    }

    @Override
    public CleanupResumed producing(Status status) {
      return new CleanupResumed(at, status);
    }
  }

  /**
   * A restart attempt failed: its request could not be sent, got no answer in time, or the
   * connection dropped before the answer. The channel stays stalled and counts the attempt. Its
   * code is {@link EventCode#Disconnected}, as go-data-transfer reports a restart request it cannot
   * send.
   */
  @Code(EventCode.Disconnected)
  record RestartFailed(String reason, Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements Reasoned {
    public RestartFailed(String reason, Instant at) {
      this(reason, at, null);
    }

    @Override
    public RestartFailed producing(Status status) {
      return new RestartFailed(reason, at, status);
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withStalled(true).withMessage(reason).withRestartAttempts(s.restartAttempts() + 1);
    }
  }

  /** The connection to the other peer was lost; the channel waits for it (stalled). */
  @Code(EventCode.Disconnected)
  record Disconnected(String reason, Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements Reasoned {
    public Disconnected(String reason, Instant at) {
      this(reason, at, null);
    }

    @Override
    public Disconnected producing(Status status) {
      return new Disconnected(reason, at, status);
    }

    @Override
    public ChannelState applyTo(ChannelState s) {
      return s.withStalled(true).withMessage(reason);
    }
  }

  /** A protocol message could not be sent. */
  @Code(EventCode.SendMessageError)
  record MessageNotSent(String reason, Instant at, @JsonInclude(Include.NON_NULL) Status status)
      implements Reasoned {
    public MessageNotSent(String reason, Instant at) {
      this(reason, at, null);
    }

    @Override
    public MessageNotSent producing(Status status) {
      return new MessageNotSent(reason, at, status);
    }
  }
}
