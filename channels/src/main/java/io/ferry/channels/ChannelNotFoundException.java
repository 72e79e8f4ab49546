package io.ferry.channels;

/** No channel with this ID exists on this node (go-data-transfer's ErrChannelNotFound). */
public final class ChannelNotFoundException extends RuntimeException {
  private final ChannelId channelId;

  public ChannelNotFoundException(ChannelId channelId) {
    super("channel not found: " + channelId);
    this.channelId = channelId;
  }

  public ChannelId channelId() {
    return channelId;
  }
}
