package io.ferry.channels.entity;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.validation.Verdict;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a channel actor is told. The first group comes from the node's API and carries a reply-to;
 * the second from the transport; the third the actor sends itself (results of asynchronous work,
 * timers).
 */
public sealed interface ChannelCommand extends CborSerializable {

  /** Commands that expect a {@link ChannelReply}. */
  sealed interface WithReply extends ChannelCommand {
    ActorRef<ChannelReply> replyTo();
  }

  // ---- from the node's API ----

  /** Open a channel this node initiates: push ({@code pull == false}) or pull. */
  record Open(
      ChannelId channelId,
      boolean pull,
      Cid baseCid,
      Selector selector,
      TypedVoucher voucher,
      ActorRef<ChannelReply> replyTo)
      implements WithReply {}

  /** Send a voucher to the responder (initiator only). */
  record SendVoucher(TypedVoucher voucher, ActorRef<ChannelReply> replyTo) implements WithReply {}

  /** Pause this node's side. */
  record Pause(ActorRef<ChannelReply> replyTo) implements WithReply {}

  /** Resume this node's side. */
  record Resume(ActorRef<ChannelReply> replyTo) implements WithReply {}

  /**
   * Cancel the channel; both sides end Cancelled. {@code reason}, when not null, becomes the
   * channel's message on this node (else "cancelled by <this node>").
   */
  record Cancel(String reason, ActorRef<ChannelReply> replyTo) implements WithReply {
    public Cancel(ActorRef<ChannelReply> replyTo) {
      this(null, replyTo);
    }
  }

  /** Restart the channel after a disconnect or a node restart (also sent on node start). */
  record Restart(ActorRef<ChannelReply> replyTo) implements WithReply {}

  /** Answer with the channel's state. */
  record GetState(ActorRef<ChannelReply> replyTo) implements WithReply {}

  /**
   * A validator plug-in asked to look at this channel again ({@link
   * io.ferry.channels.spi.ValidationUpdates}): a responder asks its revalidators whether it may go
   * on. No reply.
   */
  record Recheck(ChannelId channelId) implements ChannelCommand {}

  // ---- from the transport ----

  /** A request arrived from {@code from}. */
  record ReceiveRequest(PeerId from, TransferRequest request) implements ChannelCommand {}

  /** A response arrived from {@code from}. */
  record ReceiveResponse(PeerId from, TransferResponse response) implements ChannelCommand {}

  /** Record a batch of data movement. */
  record RecordProgress(DataProgress progress) implements ChannelCommand {}

  /**
   * The sending transport holds at the data limit, or before a block of {@code nextBlockBytes} that
   * would cross it (0: not known): pause the responder, or ask its validator.
   */
  record PauseAtLimit(long bytesQueued, long nextBlockBytes) implements ChannelCommand {
    public PauseAtLimit(long bytesQueued) {
      this(bytesQueued, 0);
    }
  }

  /**
   * No revalidator decides about the block held before the limit: the sending transport, held at
   * {@code transportBytes}, lets it cross (as before holds existed).
   */
  record LetBlockCross(long transportBytes, long nextBlockBytes) implements ChannelCommand {}

  /** This side's data movement ended; {@code error} is null on success. */
  record FinishData(String error) implements ChannelCommand {}

  /**
   * The receiving side failed to open: {@code reason} is what the transport said, {@code
   * closesAtOpen} how often the channel had closed its data when it asked ({@link
   * EntityState.DataSide#closes()}), {@code withdrawn} whether this side's own close cancelled it.
   * One that a later close superseded is no news; otherwise the channel cannot receive.
   */
  record ReceiverFailed(String reason, long closesAtOpen, boolean withdrawn)
      implements ChannelCommand {}

  /**
   * The transport queued the channel's data behind its concurrency limits or the node's memory;
   * {@code reason} says which ({@code "queued: …"}).
   */
  record MarkQueued(String reason) implements ChannelCommand {}

  /** The transport gave the channel it queued a send slot: its data moves. */
  record MarkAdmitted() implements ChannelCommand {}

  /** The connection to the other peer was lost. */
  record MarkDisconnected(String reason) implements ChannelCommand {}

  /** The connection to the other peer is back. */
  record MarkReconnected() implements ChannelCommand {}

  // ---- sent to itself ----

  /** The node's channel directory holds the new channel: persist it. */
  record BeginOpen(Open open) implements ChannelCommand {}

  /** The validator answered a new or restart request. */
  record DecideRequest(PeerId from, TransferRequest request, Verdict verdict)
      implements ChannelCommand {}

  /** The revalidator answered a voucher. */
  record DecideVoucher(Verdict verdict) implements ChannelCommand {}

  /** A revalidator answered a progress batch (empty: no revalidator handles the channel). */
  record DecideProgress(Optional<Verdict> verdict) implements ChannelCommand {}

  /** The revalidators answered the responder's completion. */
  record DecideCompletion(Optional<Verdict> verdict) implements ChannelCommand {}

  /**
   * The receiving transport is ready; {@code held} traversal blocks are already stored. A
   * responder's answer carries {@code answerResult}, the voucher result its validator gave (null:
   * none).
   */
  record ReceiverReady(long held, Step step, TypedVoucher answerResult) implements ChannelCommand {}

  /** What to do once the receiving side is ready. */
  enum Step {
    /** Initiator: send the new request. */
    SEND_OPEN,
    /** Initiator: send a restart request. */
    SEND_RESTART,
    /** Responder: answer an accepted new request. */
    ANSWER_OPEN,
    /** Responder: answer a new request the initiator sent again, restarting the data. */
    ANSWER_OPEN_AGAIN,
    /** Responder: answer an accepted restart request. */
    ANSWER_RESTART
  }

  /** A message could not be sent. */
  record MessageFailed(MessageType type, String reason) implements ChannelCommand {}

  /** The cleanup hook finished: the channel becomes terminal. */
  record CompleteCleanup() implements ChannelCommand {}

  /** A wait ran out. */
  record TimeOut(Deadlines.Wait expired) implements ChannelCommand {}

  /** After recovery: finish the cleanup that a stop interrupted. */
  record ResumeCleanup() implements ChannelCommand {}

  /** Sharding passivates the entity. */
  record Passivate() implements ChannelCommand {}
}
