package io.ferry.transport.tcp.channel;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.ipld.Block;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects a receiving channel's verified blocks and writes them to the store in batches (one
 * {@code putAll} each, one write in flight at a time, on a blocking thread: the blocks that arrive
 * while a write is in flight form the next batch), then reports their progress in batches too: when
 * 64 blocks or 8 MiB moved, when a write leaves nothing waiting (the data stopped, e.g. at the
 * sender's data limit), and on the progress timer otherwise. Blocks the node already held count in
 * the progress with no bytes, in traversal order with the others.
 */
public final class StoreBatcher {
  /** What the batcher tells its channel. */
  public interface Owner {
    /**
     * A batch of {@code bytes} was stored, {@code earlyBytes} of them blocks whose credit was
     * returned when they were queued.
     */
    void stored(long bytes, long earlyBytes);

    /** Storing failed. */
    void storeFailed(String why);

    /** Whether the channel still runs. */
    boolean active();
  }

  private record Moved(long index, long size, boolean firstTime) {}

  private final ChannelId id;
  private final SessionIo io;
  private final Owner owner;
  private final ProgressBatch received;
  private List<Block> batch = new ArrayList<>();
  private List<Moved> moved = new ArrayList<>();
  private long batchBytes;
  private long batchEarly;
  private boolean writing;

  /**
   * The first traversal index not yet reported: every block before it was counted, by the engine
   * before this side opened or in a report of this side (or of the side it replaced).
   */
  private long reportedUpTo;

  /**
   * @param reportedBefore where the reports of the channel's previous receiving side ended (0:
   *     none)
   */
  public StoreBatcher(ChannelId id, SessionIo io, Owner owner, long reportedBefore) {
    this.id = id;
    this.io = io;
    this.owner = owner;
    this.reportedUpTo = reportedBefore;
    this.received =
        new ProgressBatch(
            DataProgress.Direction.RECEIVED,
            io.settings().progressBlocks(),
            io.settings().progressBytes());
  }

  /**
   * Adds a received block to the next batch ({@link #flush} writes it); {@code early} when its
   * credit was returned as it was queued.
   */
  public void add(Block block, long index, boolean firstTime, boolean early) {
    batch.add(block);
    batchBytes += block.size();
    if (early) {
      batchEarly += block.size();
    }
    moved.add(new Moved(index, block.size(), firstTime));
  }

  /**
   * Counts a block this node held. A repeat moves no bytes; a block held but never counted (stored
   * before a restart, its progress not reported) counts for the first time with its {@code size},
   * so that the bytes received stay exact.
   */
  public void held(long index, boolean firstTime, long size) {
    moved.add(new Moved(index, firstTime ? size : 0, firstTime));
    if (batch.isEmpty() && !writing) {
      report();
    }
  }

  /** Whether everything added is stored and reported. */
  public boolean idle() {
    return batch.isEmpty() && !writing;
  }

  /** Writes the batch now, unless a write is in flight (then it follows that one). */
  public void flush() {
    if (writing || !owner.active()) {
      return;
    }
    if (batch.isEmpty()) {
      report();
      return;
    }
    List<Block> toWrite = batch;
    List<Moved> progress = moved;
    long bytes = batchBytes;
    long early = batchEarly;
    batch = new ArrayList<>();
    moved = new ArrayList<>();
    batchBytes = 0;
    batchEarly = 0;
    writing = true;
    io.blocking(
        () -> {
          io.store().putAll(toWrite);
          return bytes;
        },
        (stored, error) -> {
          writing = false;
          if (!owner.active()) {
            return;
          }
          if (error != null) {
            owner.storeFailed("cannot store received blocks: " + SendChannel.message(error));
            return;
          }
          io.limits().downloaded(bytes);
          progress.forEach(this::count);
          owner.stored(bytes, early);
          if (idle()) {
            // Everything that arrived is stored and nothing more came meanwhile: the data has
            // stopped, for now or for good. Report it at once rather than on the progress timer.
            // A sender held at its data limit waits on this report: the payer pays only for data
            // reported received, and the responder raises the limit only once paid.
            flushProgress();
          }
        });
  }

  private void report() {
    moved.forEach(this::count);
    moved.clear();
  }

  private void count(Moved m) {
    if (received.add(m.index(), m.size(), m.firstTime())) {
      report(received.drain());
    }
  }

  public void flushProgress() {
    if (!received.isEmpty()) {
      report(received.drain());
    }
  }

  private void report(DataProgress p) {
    reportedUpTo = Math.max(reportedUpTo, p.nextIndex());
    io.handler().onProgress(id, p);
  }

  /**
   * The first traversal index no report of this channel covers. A block before it counted already,
   * though the engine may not have heard of it yet when it opened the channel again.
   */
  public long reportedUpTo() {
    return reportedUpTo;
  }
}
