package io.ferry.transport.local;

import io.ferry.channels.wire.DataRequest;
import io.ferry.ipld.Block;
import io.ferry.ipld.traversal.Traversal;
import java.util.Iterator;

/**
 * A channel this peer sends: where the traversal is, what the byte limit allows. Inbox-confined.
 */
final class Outgoing {
  final DataRequest request;
  final long generation;
  private final Iterator<Block> walk;
  private Block peeked;
  private RuntimeException peekFailure;
  long nextIndex;
  long limit;
  long firstTimeBytesQueued;
  boolean limitReported;
  boolean inFlight;
  boolean done;

  /** The batch in flight: blocks, bytes, first-time blocks, first-time bytes. */
  long[] lastBatch = new long[4];

  Outgoing(DataRequest request, long generation, LocalTransport owner) {
    this.request = request;
    this.generation = generation;
    this.walk = Traversal.walk(owner.store(), request.root(), request.selector()).iterator();
    this.limit = request.byteLimit();
  }

  boolean hasNext() {
    return peeked != null || peekFailure != null || walk.hasNext();
  }

  Block next() {
    if (peekFailure != null) {
      throw peekFailure;
    }
    Block b = peeked != null ? peeked : walk.next();
    peeked = null;
    return b;
  }

  /** The size of the next block (read now and kept for {@link #next}); 0 when there is none. */
  long nextSize() {
    if (peeked == null && peekFailure == null && walk.hasNext()) {
      try {
        peeked = walk.next();
      } catch (RuntimeException e) {
        peekFailure = e; // thrown by next(), where the sender handles read errors
      }
    }
    return peeked == null ? 0 : peeked.size();
  }

  /**
   * Whether the byte limit holds the next block back: a first-time block that would take the
   * first-time bytes queued since the open beyond the limit (the block that would cross a limit is
   * not sent until the limit is raised). Repeats always go. Reads the next block to know its size.
   */
  boolean atLimit() {
    return request.isFirstTime(nextIndex)
        && hasNext()
        && nextSize() > limit - firstTimeBytesQueued
        && peekFailure == null;
  }
}
