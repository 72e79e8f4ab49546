package io.ferry.validators.signed;

import io.ferry.channels.ChannelId;

/** Answers whether a nonce was already used on a channel. */
@FunctionalInterface
public interface SeenNonces {
  boolean isSeen(ChannelId channelId, long nonce);
}
