package io.ferry.channels;

/**
 * Receives channel events (go-data-transfer's {@code Subscriber}). Called once per applied event,
 * in order per channel, with the channel's state right after the event. Called off the channel's
 * thread: a slow subscriber never slows a channel.
 */
@FunctionalInterface
public interface Subscriber {
  void onEvent(ChannelEvent event, ChannelState state);
}
