package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;

/** The two roles on a channel: the peer that opened it and the peer it was opened with. */
public enum Side {
  INITIATOR,
  RESPONDER;

  /** This node's side of the channel. */
  public static Side of(ChannelState state) {
    return state.isInitiator() ? INITIATOR : RESPONDER;
  }

  /** The other side. */
  public Side other() {
    return this == INITIATOR ? RESPONDER : INITIATOR;
  }

  /** Whether this side has paused the channel. */
  public boolean hasPaused(ChannelState state) {
    return this == INITIATOR ? state.initiatorPaused() : state.responderPaused();
  }
}
