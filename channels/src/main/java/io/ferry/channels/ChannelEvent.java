package io.ferry.channels;

import java.time.Instant;

/**
 * One applied event, as subscribers see it (go-data-transfer's {@code Event}).
 *
 * @param code what happened
 * @param message more about it; empty when nothing to add
 * @param timestamp when it happened
 * @param sequenceNr the event's position in its channel's journal; strictly increasing per channel,
 *     so a subscriber that reconnects can resume after the last one it saw
 */
public record ChannelEvent(EventCode code, String message, Instant timestamp, long sequenceNr) {
  public ChannelEvent {
    message = message == null ? "" : message;
  }
}
