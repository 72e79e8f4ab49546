package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;

/** What the channel actor answers a command with. */
public sealed interface ChannelReply extends CborSerializable
    permits ChannelReply.Receipt, ChannelReply.Refusal, ChannelReply.Unknown {

  /** The command was carried out (or had nothing to do); the channel's state afterwards. */
  record Receipt(ChannelState state) implements ChannelReply {}

  /** The command was refused; nothing changed. The reason says why. */
  record Refusal(String reason) implements ChannelReply {}

  /** There is no such channel. */
  record Unknown() implements ChannelReply {}
}
