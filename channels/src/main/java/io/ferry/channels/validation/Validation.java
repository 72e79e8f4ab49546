package io.ferry.channels.validation;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.TypedVoucher;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the channel engine needs from the validator registry: vouchers arrive as type + bytes, the
 * registry decodes them, asks the plug-in and encodes the answer. Every method answers
 * asynchronously and never throws: a failure (unknown voucher type, undecodable bytes, a validator
 * that threw) is a {@link Verdict} with decision REJECT and a reason that names it. A channel's
 * calls reach plug-ins one at a time, in the order it made them, and their answers complete in that
 * order.
 */
public interface Validation {
  /** A new or restarted push ({@code pull == false}) or pull request, on the responder. */
  CompletionStage<Verdict> validateRequest(
      boolean isRestart,
      boolean pull,
      ChannelId channelId,
      PeerId counterparty,
      TypedVoucher voucher,
      Cid baseCid,
      Selector selector);

  /**
   * A restart of a channel whose journal says it moved {@code bytesMoved} bytes before (see {@link
   * io.ferry.channels.spi.ValidationRequest#bytesMoved}); by default as {@link #validateRequest}.
   */
  default CompletionStage<Verdict> validateRestart(
      boolean pull,
      ChannelId channelId,
      PeerId counterparty,
      TypedVoucher voucher,
      Cid baseCid,
      Selector selector,
      long bytesMoved) {
    return validateRequest(true, pull, channelId, counterparty, voucher, baseCid, selector);
  }

  /** The initiator sent a new voucher; the responder revalidates. */
  CompletionStage<Verdict> revalidate(ChannelId channelId, TypedVoucher voucher);

  /** Responder of a pull sent more bytes; empty when no revalidator handles it. */
  CompletionStage<Optional<Verdict>> onPullDataSent(ChannelId channelId, long additionalBytes);

  /**
   * Responder of a pull holds before a block of {@code nextBlockBytes} that would cross its data
   * limit; empty when no revalidator handles holds (the engine then lets the block cross).
   */
  default CompletionStage<Optional<Verdict>> onPullDataHeld(
      ChannelId channelId, long nextBlockBytes) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  /** Responder of a push received more bytes; empty when no revalidator handles it. */
  CompletionStage<Optional<Verdict>> onPushDataReceived(ChannelId channelId, long additionalBytes);

  /** The responder's side finished; a PAUSE verdict starts finalization. */
  CompletionStage<Optional<Verdict>> onComplete(ChannelId channelId);

  /**
   * Responder, paused by its side: a plug-in asked to look at the channel again; empty when no
   * revalidator lets it go on (see {@link io.ferry.channels.spi.Revalidator#onRecheck}).
   */
  default CompletionStage<Optional<Verdict>> onRecheck(ChannelId channelId) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  /** The channel reached a terminal status on this node; returns at once. */
  default void channelEnded(ChannelId channelId) {}

  /** Decodes an encoded voucher or voucher result into its registered Java type. */
  Object decode(TypedVoucher voucher);

  /** Encodes an object of a registered voucher or voucher-result type. */
  TypedVoucher encode(Object voucher);
}
