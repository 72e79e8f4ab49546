package io.ferry.validators.paid;

import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;

/** What the payment client did about a channel, for the node to log, show or act on. */
public sealed interface PaymentOutcome {
  ChannelId channelId();

  /** {@code amount} of the budget was set aside for the channel. */
  record Reserved(ChannelId channelId, long amount) implements PaymentOutcome {}

  /** A voucher for {@code cumulative} in all ({@code increment} more than before) was sent. */
  record Paid(ChannelId channelId, long nonce, long cumulative, long increment)
      implements PaymentOutcome {}

  /** The responder confirmed payments up to {@code acknowledged}; that much is now spent. */
  record Acknowledged(ChannelId channelId, long acknowledged) implements PaymentOutcome {}

  /**
   * The responder asked for {@code owed} but the data received so far is only worth {@code
   * payable}; the client pays once enough data has arrived.
   */
  record AwaitingData(ChannelId channelId, long owed, long payable) implements PaymentOutcome {}

  /**
   * The budget cannot cover what the responder asks: the client stops paying this channel (the node
   * should cancel it).
   */
  record InsufficientFunds(ChannelId channelId, long owed, long paid, long available)
      implements PaymentOutcome {
    public String message() {
      return "insufficient funds for "
          + channelId
          + ": owed "
          + owed
          + ", paid "
          + paid
          + ", only "
          + available
          + " more available";
    }
  }

  /** The responder refused a proposal or voucher. */
  record Refused(ChannelId channelId, String reason) implements PaymentOutcome {}

  /** Sending the voucher failed; it still counts as issued (it may have arrived). */
  record SendFailed(ChannelId channelId, long nonce, String error) implements PaymentOutcome {}

  /** The channel ended: {@code spent} is final, {@code released} went back to the budget. */
  record Settled(ChannelId channelId, Status status, long spent, long released)
      implements PaymentOutcome {}

  /** Nothing to do, and why. */
  record Ignored(ChannelId channelId, String why) implements PaymentOutcome {}
}
