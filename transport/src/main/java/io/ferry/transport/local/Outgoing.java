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
  final Iterator<Block> blocks;
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
    this.blocks = Traversal.walk(owner.store(), request.root(), request.selector()).iterator();
    this.limit = request.byteLimit();
  }

  /**
   * Whether the byte limit holds the next block back: a first-time block once the first-time bytes
   * queued since the open reached the limit. Repeats always go.
   */
  boolean atLimit() {
    return request.isFirstTime(nextIndex) && firstTimeBytesQueued >= limit;
  }
}
