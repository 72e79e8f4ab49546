package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;
import io.ferry.channels.RestartOutcome;

/** What the channel actor answers a command with. */
public sealed interface ChannelReply extends CborSerializable
    permits ChannelReply.Receipt,
        ChannelReply.RestartAnswer,
        ChannelReply.Refusal,
        ChannelReply.Unknown {

  /** The command was carried out (or had nothing to do); the channel's state afterwards. */
  record Receipt(ChannelState state) implements ChannelReply {}

  /** What a restart did, and the channel's state once it was decided. */
  record RestartAnswer(ChannelState state, RestartOutcome outcome) implements ChannelReply {}

  /** The command was refused; nothing changed. The reason says why. */
  record Refusal(String reason) implements ChannelReply {}

  /** There is no such channel. */
  record Unknown() implements ChannelReply {}
}
