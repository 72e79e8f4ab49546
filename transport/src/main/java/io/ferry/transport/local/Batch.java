package io.ferry.transport.local;

import io.ferry.channels.ChannelId;
import io.ferry.ipld.Block;
import java.util.List;

/**
 * Blocks on their way from a sender to a receiver (copies of the sender's bytes, as a wire would
 * carry them), or the sender's failure.
 */
record Batch(
    ChannelId channelId,
    long generation,
    long startIndex,
    List<Block> blocks,
    long bytes,
    String error) {}

/** The receiver's answer to a batch: stored, or why not. */
record Ack(ChannelId channelId, long generation, String error) {}
