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
}
