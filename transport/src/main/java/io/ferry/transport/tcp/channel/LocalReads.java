package io.ferry.transport.tcp.channel;

import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/**
 * A receiving channel's reads of its own store (walking to a position, reading a held block), run
 * on the session's blocking pool. While one is under way the channel waits for it before it moves
 * on; its answer is dropped if the channel started over (a new want) or ended meanwhile.
 */
public final class LocalReads {
  private final SessionIo io;
  private int generation;
  private boolean pending;

  public LocalReads(SessionIo io) {
    this.io = io;
  }

  /** Whether a read is under way. */
  public boolean pending() {
    return pending;
  }

  /** Runs {@code read} on the blocking pool, then {@code then} on the session, unless dropped. */
  public <T> void start(Callable<T> read, BiConsumer<T, Throwable> then) {
    pending = true;
    int mine = generation;
    io.blocking(
        read,
        (value, error) -> {
          if (mine == generation) {
            pending = false;
            then.accept(value, error);
          }
        });
  }

  /** The answers of reads under way will be dropped. */
  public void dropPending() {
    generation++;
    pending = false;
  }
}
