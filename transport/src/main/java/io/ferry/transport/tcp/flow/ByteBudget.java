package io.ferry.transport.tcp.flow;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A bound on bytes in flight: receiving channels take credit from it before granting it to their
 * sender and give it back once the blocks are stored. Takes are all-or-part: a taker gets what is
 * left (at least {@code min}) or nothing, and may ask to be woken when bytes are returned.
 * Thread-safe; wake-ups run outside the lock.
 */
public final class ByteBudget {
  private final long capacity;
  private final Set<Runnable> waiting = new LinkedHashSet<>();
  private long used;

  public ByteBudget(long capacity) {
    this.capacity = capacity;
  }

  /** Takes up to {@code wanted} bytes, at least {@code min}; returns what was taken (maybe 0). */
  public synchronized long take(long wanted, long min) {
    long free = capacity - used;
    long granted = Math.min(wanted, free);
    if (granted < Math.min(min, wanted) || granted <= 0) {
      return 0;
    }
    used += granted;
    return granted;
  }

  /** Runs {@code wake} once after bytes are next given back (registering it twice is once). */
  public synchronized void onFree(Runnable wake) {
    waiting.add(wake);
  }

  /** Gives bytes back and wakes whoever waits. */
  public void give(long bytes) {
    List<Runnable> wake;
    synchronized (this) {
      used = Math.max(0, used - bytes);
      if (waiting.isEmpty()) {
        return;
      }
      wake = new ArrayList<>(waiting);
      waiting.clear();
    }
    wake.forEach(Runnable::run);
  }

  public synchronized long used() {
    return used;
  }

  public long capacity() {
    return capacity;
  }
}
