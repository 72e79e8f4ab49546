package io.ferry.transport.tcp.channel;

import io.ferry.channels.ChannelId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The engine's {@code openReceive} calls waiting to learn how many blocks of the traversal a
 * receiving channel holds. The channel answers them only when every block it consumed is stored, so
 * that the count is exact (a restart then asks the sender for nothing twice and nothing lost).
 * Confined to the session's thread.
 */
public final class HeldIndexRequests {
  private final List<CompletableFuture<Long>> waiting = new ArrayList<>();

  public void add(CompletableFuture<Long> request) {
    waiting.add(request);
  }

  public boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** Answers every waiting request: {@code index} blocks are held. */
  public void answer(long index) {
    waiting.forEach(f -> f.complete(index));
    waiting.clear();
  }

  /** Cancels every waiting request: this node closed the channel itself before it answered. */
  public void withdrawn() {
    waiting.forEach(f -> f.cancel(false));
    waiting.clear();
  }

  /** Fails every waiting request: the channel was closed before it could answer. */
  public void closed(ChannelId id) {
    waiting.forEach(
        f -> f.completeExceptionally(new IllegalStateException("channel " + id + " was closed")));
    waiting.clear();
  }
}
