package io.ferry.channels.wire;

/**
 * A batch of data movement on one channel, reported by a transport. Transports report in batches
 * (by count, bytes and time) so the channel persists one event per batch, never one per block.
 *
 * @param direction queued for sending, written to the wire, or received and verified
 * @param blocks blocks in the batch, repeats included
 * @param bytes bytes in the batch, repeats included
 * @param firstTimeBlocks blocks in the batch whose traversal index the channel had not counted
 * @param firstTimeBytes bytes of those blocks
 * @param nextIndex traversal index after the batch's last block
 */
public record DataProgress(
    Direction direction,
    long blocks,
    long bytes,
    long firstTimeBlocks,
    long firstTimeBytes,
    long nextIndex) {

  /** Which way the data moved. */
  public enum Direction {
    QUEUED,
    SENT,
    RECEIVED
  }
}
