package io.ferry.transport.tcp;

import io.ferry.channels.ChannelId;
import io.ferry.transport.tcp.frame.Frame;

/**
 * This side's pause of one channel, as its peer hears of it: each change is a {@link Frame.Pause}
 * or {@link Frame.Resume} numbered in order, which the peer acknowledges with the same number.
 * Confined to the session's thread.
 */
final class LocalPause {
  private final ChannelId id;
  private final SessionIo io;
  private boolean paused;
  private long seq;

  LocalPause(ChannelId id, SessionIo io) {
    this.id = id;
    this.io = io;
  }

  boolean paused() {
    return paused;
  }

  /** Pauses and tells the peer; false if this side was paused already. */
  boolean pause() {
    if (paused) {
      return false;
    }
    paused = true;
    io.control(new Frame.Pause(id, ++seq));
    return true;
  }

  /** Resumes and tells the peer; false if this side was not paused. */
  boolean resume() {
    if (!paused) {
      return false;
    }
    paused = false;
    io.control(new Frame.Resume(id, ++seq));
    return true;
  }
}
