package io.ferry.transport.tcp.channel;

import io.ferry.channels.wire.DataProgress;

/**
 * Blocks moved on one channel in one direction since the last report. The owner reports when {@link
 * #add} says the batch is full, and on a timer otherwise, so a channel produces one progress event
 * per batch, never one per block.
 */
public final class ProgressBatch {
  private final DataProgress.Direction direction;
  private final int maxBlocks;
  private final long maxBytes;
  private long blocks;
  private long bytes;
  private long firstTimeBlocks;
  private long firstTimeBytes;
  private long nextIndex;

  public ProgressBatch(DataProgress.Direction direction, int maxBlocks, long maxBytes) {
    this.direction = direction;
    this.maxBlocks = maxBlocks;
    this.maxBytes = maxBytes;
  }

  /** Adds one block at traversal {@code index}; returns true when the batch should be reported. */
  public boolean add(long index, long size, boolean firstTime) {
    blocks++;
    bytes += size;
    if (firstTime) {
      firstTimeBlocks++;
      firstTimeBytes += size;
    }
    nextIndex = Math.max(nextIndex, index + 1);
    return blocks >= maxBlocks || bytes >= maxBytes;
  }

  public boolean isEmpty() {
    return blocks == 0;
  }

  /** A report of {@code blocks} first-time blocks up to {@code nextIndex}, outside any batch. */
  public DataProgress firstTime(long blocks, long bytes, long nextIndex) {
    return new DataProgress(direction, blocks, bytes, blocks, bytes, nextIndex);
  }

  /** The batch as a progress report; the batch starts over empty. */
  public DataProgress drain() {
    DataProgress p =
        new DataProgress(direction, blocks, bytes, firstTimeBlocks, firstTimeBytes, nextIndex);
    blocks = 0;
    bytes = 0;
    firstTimeBlocks = 0;
    firstTimeBytes = 0;
    return p;
  }
}
