package io.ferry.channels.wire;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;

/**
 * Tells a transport to move one channel's blocks.
 *
 * @param channelId the channel
 * @param peer the other side: where blocks go (send) or come from (receive)
 * @param root root of the DAG
 * @param selector which part of the DAG, walked in traversal order
 * @param skipBlocks blocks at the start of the traversal not to move (the receiver holds them)
 * @param countedBlocks blocks the channel has already counted; progress for traversal indexes below
 *     this is reported as a repeat, above as first-time
 * @param byteLimit the sender stops queueing once this many first-time bytes were queued and
 *     reports {@link TransportHandler#onDataLimitReached}; 0 means no limit; {@link #NO_NEW_BYTES}
 *     lets only repeats through
 */
public record DataRequest(
    ChannelId channelId,
    PeerId peer,
    Cid root,
    Selector selector,
    long skipBlocks,
    long countedBlocks,
    long byteLimit) {

  /**
   * A byte limit that allows no first-time bytes: the sender resends the blocks below {@code
   * countedBlocks} (repeats, already counted and paid for) and holds before the first block at or
   * above it, reporting {@link TransportHandler#onDataLimitReached} with the first-time bytes it
   * queued (none). A sender that restarts at its data limit opens with it, so what was lost in
   * flight is delivered again while new data waits for payment. Raising the limit lets it go on.
   */
  public static final long NO_NEW_BYTES = -1;

  /** Whether a block at traversal index {@code index} would be first-time data. */
  public boolean isFirstTime(long index) {
    return index >= countedBlocks;
  }
}
