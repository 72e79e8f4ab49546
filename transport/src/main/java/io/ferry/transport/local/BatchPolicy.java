package io.ferry.transport.local;

/**
 * When a channel's blocks are reported and acknowledged: a batch closes at {@code maxBlocks} blocks
 * or {@code maxBytes} bytes, at the byte limit and at the end of the traversal. One batch per
 * channel is in flight at a time (the backpressure bound).
 */
public record BatchPolicy(int maxBlocks, long maxBytes) {
  /** 32 blocks or 4 MiB. */
  public static final BatchPolicy DEFAULT = new BatchPolicy(32, 4L << 20);

  public BatchPolicy {
    if (maxBlocks < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "a batch needs room for at least one block, got "
              + maxBlocks
              + " blocks / "
              + maxBytes
              + " bytes");
    }
  }
}
