package io.ferry.channels.spi;

import io.ferry.channels.ChannelId;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Re-judges a channel while it runs (go-data-transfer's Revalidator): when the initiator sends a
 * new voucher, as data moves, and when the responder's side completes. The data callbacks answer
 * {@link Optional#empty()} when this revalidator does not handle the channel, so several can
 * coexist. Prefer {@link ValidationResult#withDataLimit(long)} to per-batch callbacks for
 * pay-as-you-go: the channel then pauses itself exactly at the limit.
 *
 * <p>Calls for one channel (these and its {@link RequestValidator}'s) come one at a time, in the
 * order the channel made them: the next is made once the stage the last returned has completed.
 * Calls for different channels may run at the same time.
 */
public interface Revalidator<V> {
  /** The initiator sent a new voucher for a channel. */
  CompletionStage<ValidationResult> revalidate(ChannelId channelId, V voucher);

  /** Responder of a pull: more bytes were sent (called once per progress batch). */
  default CompletionStage<Optional<ValidationResult>> onPullDataSent(
      ChannelId channelId, long additionalBytesSent) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  /**
   * Responder of a pull: the channel holds before its next block, of {@code nextBlockBytes},
   * because sending it would take the channel beyond its data limit. Answer with a payment request
   * (a pause) or a limit that covers the block. A revalidator that answers {@link Optional#empty()}
   * for every channel (the default) gets the behaviour from before holds: the block that crosses
   * the limit is sent.
   */
  default CompletionStage<Optional<ValidationResult>> onPullDataHeld(
      ChannelId channelId, long nextBlockBytes) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  /** Responder of a push: more bytes were received (called once per progress batch). */
  default CompletionStage<Optional<ValidationResult>> onPushDataReceived(
      ChannelId channelId, long additionalBytesReceived) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  /**
   * The responder's side finished. A result with {@link ValidationResult.Decision#PAUSE} starts
   * finalization: the channel waits for a final voucher before it completes.
   */
  default CompletionStage<Optional<ValidationResult>> onComplete(ChannelId channelId) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  /**
   * Responder, channel paused by this side: a plug-in asked the node to look at it again ({@link
   * ValidationUpdates#recheck}). Answer {@link ValidationResult.Decision#RESUME} (with the data
   * limit the channel may now reach) only if it may go on now; {@link Optional#empty()} leaves it
   * as it is. The node applies the answer as one to a voucher, without sending anything the
   * initiator did not ask for unless the channel resumes.
   */
  default CompletionStage<Optional<ValidationResult>> onRecheck(ChannelId channelId) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  /**
   * The channel reached a terminal status on this node (completed, failed or cancelled, either side
   * having ended it): whatever this revalidator holds for it (credit, a place in a queue) may go.
   * Called on both sides of every channel, in the channel's turn, once it ended here.
   */
  default void onChannelEnded(ChannelId channelId) {}
}
