package io.ferry.channels.spi;

import io.ferry.channels.ChannelId;

/**
 * How a plug-in reaches a channel by itself, between the calls the channel makes (a push, where
 * {@link Revalidator} is pull-only; go-data-transfer's {@code UpdateValidationStatus}). A validator
 * that paused a channel for a reason outside it (the peer's credit, held by its other channels)
 * says here that the reason may be gone; the node then asks the channel's revalidators {@link
 * Revalidator#onRecheck} in the channel's turn and applies the answer, persisted as any other. The
 * plug-in never resumes a channel directly: whatever it says here, the channel goes on only if the
 * revalidator, asked again, answers so.
 *
 * <p>Get it from {@link ValidatorRegistrar#updates()} when registering. Calls return at once and
 * may come from any thread (a plug-in may call it while holding its own locks); a call for a
 * channel that is not paused by its responder, has ended or is unknown does nothing.
 */
@FunctionalInterface
public interface ValidationUpdates {
  /**
   * Asks the node to ask {@code channelId}'s revalidators again ({@link Revalidator#onRecheck}).
   */
  void recheck(ChannelId channelId);
}
