package io.ferry.transport.tcp;

import io.ferry.channels.ChannelId;
import io.ferry.transport.tcp.frame.Frame;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Frames a receiving peer sent about a channel before this node's engine opened the sending side
 * (the engine opens it when a control message arrives, which may come after the receiver's want):
 * its want, whether it paused, whether it already completed. Applied when the channel opens;
 * bounded, oldest dropped first.
 */
final class EarlyFrames {
  private static final int MAX = 1024;

  private final Map<ChannelId, Frame.Want> wants = new LinkedHashMap<>();
  private final Set<ChannelId> paused = new LinkedHashSet<>();
  private final Set<Long> completed = new LinkedHashSet<>();

  void want(Frame.Want want) {
    Frame.Want before = wants.remove(want.channel());
    if (before != null) {
      completed.remove(before.ref());
    }
    if (wants.size() >= MAX) {
      forget(wants.keySet().iterator().next());
    }
    wants.put(want.channel(), want);
  }

  void pause(ChannelId id, boolean pause) {
    if (!pause) {
      paused.remove(id);
      return;
    }
    if (paused.size() >= MAX) {
      paused.remove(paused.iterator().next());
    }
    paused.add(id);
  }

  /** The receiver completed: remembered if a want with this reference waits. */
  void complete(long ref) {
    if (wants.values().stream().anyMatch(w -> w.ref() == ref)) {
      completed.add(ref);
    }
  }

  /** Takes the waiting want of {@code id}, or null. */
  Frame.Want takeWant(ChannelId id) {
    return wants.remove(id);
  }

  boolean takePaused(ChannelId id) {
    return paused.remove(id);
  }

  boolean takeCompleted(long ref) {
    return completed.remove(ref);
  }

  void forget(ChannelId id) {
    Frame.Want w = wants.remove(id);
    if (w != null) {
      completed.remove(w.ref());
    }
    paused.remove(id);
  }
}
