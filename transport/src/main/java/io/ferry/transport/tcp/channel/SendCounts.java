package io.ferry.transport.tcp.channel;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataRequest;
import io.ferry.transport.tcp.TcpSettings;

/**
 * What a sending channel counts, queued and sent, and its progress batches. A block is first-time
 * data in a direction from the first traversal index that neither the engine (the open's {@link
 * DataRequest#countedBlocks} for queued, {@link DataRequest#sentBlocks} for sent) nor this session
 * counted in that direction; every block counts once per direction. The two directions differ when
 * blocks were queued but not written: a sender whose engine journaled a queued batch and stopped
 * before it journaled that the batch was written, or whose connection dropped with blocks in its
 * outbox. Sending them again repeats them as queued (they were charged) but counts them as sent.
 */
public final class SendCounts {
  /** The highest indexes counted in a session, kept for a channel closed and opened again. */
  public record Highest(long queued, long sent) {
    public static final Highest NONE = new Highest(-1, -1);

    public Highest merge(Highest other) {
      return new Highest(Math.max(queued, other.queued), Math.max(sent, other.sent));
    }
  }

  private final ChannelId id;
  private final SessionIo io;
  private final ProgressBatch queued;
  private final ProgressBatch sent;
  private long highestQueued;
  private long highestSent;

  SendCounts(ChannelId id, SessionIo io, Highest before) {
    this.id = id;
    this.io = io;
    TcpSettings s = io.settings();
    this.queued =
        new ProgressBatch(DataProgress.Direction.QUEUED, s.progressBlocks(), s.progressBytes());
    this.sent =
        new ProgressBatch(DataProgress.Direction.SENT, s.progressBlocks(), s.progressBytes());
    this.highestQueued = before.queued();
    this.highestSent = before.sent();
  }

  /** What this session counted, to remember when the channel closes before its end. */
  Highest highest() {
    return new Highest(highestQueued, highestSent);
  }

  /** The first index not counted as queued: from it on, blocks are new data for the limit. */
  long firstUncountedQueued(DataRequest request) {
    return Math.max(request.countedBlocks(), highestQueued + 1);
  }

  /** The first index counted in neither direction: where blocks skipped by a run are measured. */
  long firstUncounted(DataRequest request) {
    return Math.min(firstUncountedQueued(request), Math.max(request.sentBlocks(), highestSent + 1));
  }

  /** Block {@code index} was queued; returns whether it is first-time data (for the limit). */
  boolean queued(DataRequest request, long index, long size) {
    boolean firstTime = index >= firstUncountedQueued(request);
    highestQueued = Math.max(highestQueued, index);
    if (queued.add(index, size, firstTime)) {
      io.handler().onProgress(id, queued.drain());
    }
    return firstTime;
  }

  /** Block {@code index} went to the wire; a full batch is reported if {@code report}. */
  void written(DataRequest request, long index, long size, boolean report) {
    boolean firstTime = index >= Math.max(request.sentBlocks(), highestSent + 1);
    highestSent = Math.max(highestSent, index);
    if (sent.add(index, size, firstTime) && report) {
      io.handler().onProgress(id, sent.drain());
    }
  }

  /**
   * Whether block {@code index} was counted as queued (before this run, or earlier in this session)
   * but not as sent: it was handed to the wire and its sent progress was lost (the engine journaled
   * the queued batch and stopped before the sent one, e.g. at a data limit, which reports queued
   * bytes at once). A receiver that holds such a block got it from this side.
   */
  boolean queuedButNotSent(DataRequest request, long index) {
    return index < firstUncountedQueued(request)
        && index >= Math.max(request.sentBlocks(), highestSent + 1);
  }

  /**
   * A block the receiver holds, {@code size} bytes in the store. It counts as moved; its bytes
   * count as sent only if it left this side before ({@link #queuedButNotSent}): a block the
   * receiver had from elsewhere moved no bytes. Counting it with none made a restarted provider's
   * {@code sentBytes} end a block or two short of the receiver's {@code receivedBytes} (issue 19).
   */
  void held(DataRequest request, long index, long size) {
    long sentBytes = queuedButNotSent(request, index) ? size : 0;
    queued(request, index, 0);
    written(request, index, sentBytes, true);
  }

  /**
   * The blocks from {@code firstIndex}, of {@code sizes}, were delivered before this run: the
   * receiver holds them though this side never counted them (its engine stopped before it journaled
   * them, while the receiver stored and counted them). Each counts now, once per direction, with
   * its stored size; returns the bytes that are first-time as queued.
   */
  long delivered(DataRequest request, long firstIndex, long[] sizes) {
    flush();
    long fromQueued = firstUncountedQueued(request);
    long fromSent = Math.max(request.sentBlocks(), highestSent + 1);
    long end = firstIndex + sizes.length;
    long queuedBlocks = 0;
    long queuedBytes = 0;
    long sentBlocks = 0;
    long sentBytes = 0;
    for (int k = 0; k < sizes.length; k++) {
      long index = firstIndex + k;
      if (index >= fromQueued) {
        queuedBlocks++;
        queuedBytes += sizes[k];
      }
      if (index >= fromSent) {
        sentBlocks++;
        sentBytes += sizes[k];
      }
    }
    highestQueued = Math.max(highestQueued, end - 1);
    highestSent = Math.max(highestSent, end - 1);
    if (queuedBlocks > 0) {
      io.handler().onProgress(id, queued.firstTime(queuedBlocks, queuedBytes, end));
    }
    if (sentBlocks > 0) {
      io.handler().onProgress(id, sent.firstTime(sentBlocks, sentBytes, end));
    }
    return queuedBytes;
  }

  /** Reports what was queued but not reported yet (before a limit report, say). */
  void flushQueued() {
    if (!queued.isEmpty()) {
      io.handler().onProgress(id, queued.drain());
    }
  }

  /** Reports every unreported block, queued and sent. */
  void flush() {
    flushQueued();
    if (!sent.isEmpty()) {
      io.handler().onProgress(id, sent.drain());
    }
  }
}
