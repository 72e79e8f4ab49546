package io.ferry.channels.wire;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;

/**
 * The engine's whole decision about one side of a channel's data, handed to the transport in one
 * open ({@link DataTransport#openReceive}, {@link DataTransport#openSend}): nothing the transport
 * needs arrives by another path that could overtake it.
 *
 * @param channelId the channel
 * @param peer the other side: where blocks go (send) or come from (receive)
 * @param root root of the DAG
 * @param selector which part of the DAG, walked in traversal order
 * @param startIndex sender: the traversal index to start at (the blocks before it are held by the
 *     receiver, as its engine reported); the receiver starts there too, or at its own held prefix
 *     if that is shorter. Ignored on receive
 * @param countedBlocks blocks the channel has already counted; progress for traversal indexes below
 *     this is reported as a repeat, above as first-time (a sender: as queued)
 * @param sentBlocks sender: blocks the channel has already counted as sent; sent progress below
 *     this index is a repeat. Fewer than {@code countedBlocks} when the engine recorded blocks
 *     queued but stopped before it recorded them written; {@link #withCountedBlocks} sets both
 * @param byteLimit sender: first-time bytes it may queue from this open (repeats always pass); it
 *     holds before the next first-time block once it queued this many and reports {@link
 *     TransportHandler#onDataLimitReached}; {@link #NO_LIMIT} for none, 0 for repeats only
 * @param paused whether this side starts paused (moves no data until {@link DataTransport#resume})
 */
public record DataRequest(
    ChannelId channelId,
    PeerId peer,
    Cid root,
    Selector selector,
    long startIndex,
    long countedBlocks,
    long sentBlocks,
    long byteLimit,
    boolean paused) {

  /** A byte limit that never holds. */
  public static final long NO_LIMIT = Long.MAX_VALUE;

  public DataRequest {
    if (startIndex < 0 || countedBlocks < 0 || sentBlocks < 0 || byteLimit < 0) {
      throw new IllegalArgumentException(
          "negative start, count or byte limit in the data request of " + channelId);
    }
  }

  /** A request from the first block, nothing counted, no byte limit, not paused. */
  public static DataRequest of(ChannelId channelId, PeerId peer, Cid root, Selector selector) {
    return new DataRequest(channelId, peer, root, selector, 0, 0, 0, NO_LIMIT, false);
  }

  public DataRequest withStartIndex(long index) {
    return new DataRequest(
        channelId, peer, root, selector, index, countedBlocks, sentBlocks, byteLimit, paused);
  }

  /** The blocks counted, in every direction (then {@link #withSentBlocks} may lower the sent). */
  public DataRequest withCountedBlocks(long blocks) {
    return new DataRequest(
        channelId, peer, root, selector, startIndex, blocks, blocks, byteLimit, paused);
  }

  public DataRequest withSentBlocks(long blocks) {
    return new DataRequest(
        channelId, peer, root, selector, startIndex, countedBlocks, blocks, byteLimit, paused);
  }

  public DataRequest withByteLimit(long limit) {
    return new DataRequest(
        channelId, peer, root, selector, startIndex, countedBlocks, sentBlocks, limit, paused);
  }

  public DataRequest withPaused(boolean pause) {
    return new DataRequest(
        channelId, peer, root, selector, startIndex, countedBlocks, sentBlocks, byteLimit, pause);
  }

  /** Whether a block at traversal index {@code index} would be first-time data. */
  public boolean isFirstTime(long index) {
    return index >= countedBlocks;
  }
}
