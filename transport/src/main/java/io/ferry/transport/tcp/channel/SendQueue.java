package io.ferry.transport.tcp.channel;

import io.ferry.channels.wire.DataRequest;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.transport.tcp.frame.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a sending channel will send, in traversal order: it walks the DAG ahead of the data and
 * offers the CIDs page by page, learns from each answer which the receiver holds, and reads the
 * other blocks from the store ahead of sending (on blocking threads, a bounded amount at a time).
 * Held blocks come out as markers (no bytes), so the order stays the traversal's.
 *
 * <p>While its channel waits (for a payment, or paused by its engine) the queue is {@link #hold
 * held}: the blocks read ahead are dropped and nothing more is walked or read until it is {@link
 * #resume resumed}, which reads them again. A paused sender then holds its offered pages only
 * (CIDs, no block bytes): before, each held up to {@link #READ_AHEAD_BYTES} plus a read of {@link
 * #READ_BLOCKS} blocks, about 20 MiB with 1 MiB blocks, for as long as its peer did not pay (issue
 * 19, 2).
 *
 * <p>What it holds is charged to the node's memory budget as it comes to hold it ({@link
 * io.ferry.transport.tcp.flow.MemoryBudget}): each offered page by its size while it is held, and
 * the blocks read ahead beyond the floor its channel's send slot reserved ({@link
 * io.ferry.transport.tcp.flow.MemoryBudget#SENDING}), reserved before each store read by the
 * blocks' stored sizes and given back as blocks are sent or dropped. A queue that cannot reserve
 * more reads less (what fits its floor) and reads on as it sends; one with nothing read ahead
 * always reads its next block.
 */
public final class SendQueue {
  private static final int FIRST_PAGE = 256;
  private static final int PAGE = 4096;
  private static final int PAGES_AHEAD = 3;
  private static final int READ_BLOCKS = 16;
  private static final long READ_AHEAD_BYTES = 4L << 20;

  /**
   * The heap one CID of a page takes beyond twice its encoded length (its bytes and its digest's):
   * the Cid and Multihash objects, two array headers and the list's reference, with compressed
   * references.
   */
  private static final long BYTES_PER_CID = 96;

  /** What the queue tells its channel. */
  public interface Owner {
    /** A page of CIDs was listed: offer it to the receiver. */
    void offer(Walker.Page page);

    /** The walk ended: the traversal has {@code total} blocks. */
    void walked(long total);

    /** Blocks became ready to send. */
    void ready();

    /** Walking or reading failed. */
    void failed(String why);

    /**
     * The walk stepped over the blocks from index {@code firstIndex} (the measuring index {@link
     * #start} was given) to the start index, which the receiver holds: they were delivered before
     * this run; {@code sizes} are their sizes, in order.
     */
    void skipped(long firstIndex, long[] sizes);

    /**
     * Whether the peer holding block {@code index} means the block left this side before (it was
     * queued before this run, and not counted as sent): then its stored size is read for the count.
     */
    boolean measuresHeld(long index);
  }

  /**
   * A block to send at {@code index}, or, when {@code block} is null, a block the peer holds: its
   * stored size in {@code heldSize} when {@link Owner#measuresHeld} asked for it, else 0.
   */
  public record Ready(long index, Block block, long heldSize) {
    Ready(long index, Block block) {
      this(index, block, 0);
    }

    long size() {
      return block == null ? 0 : block.size();
    }
  }

  /** A page of the walk, and what the walk stepped over before it (on the first page only). */
  private record Walked(Walker walker, Walker.Page page, long[] skipped) {}

  private static final long[] NONE = new long[0];

  private static final class OfferedPage {
    final Walker.Page page;
    BitSet held;

    OfferedPage(Walker.Page page) {
      this.page = page;
    }
  }

  private final SessionIo io;
  private final Supplier<DataRequest> request;
  private final Owner owner;
  private final Deque<OfferedPage> pages = new ArrayDeque<>();
  private final Deque<Ready> ready = new ArrayDeque<>();
  private int epoch;
  private Walker walker;
  private long walkFrom;
  private long measureFrom;
  private boolean walking;
  private boolean walkDone;
  private boolean reading;
  private int readEpoch;
  private long readIndex;
  private long readAheadBytes;

  /** The traversal index of the next block {@link #poll} hands out. */
  private long nextOut;

  /**
   * Whether a run started ({@link #start}) and did not stop: a channel resumed before the
   * receiver's want walks nothing (it has no reference to offer under yet).
   */
  private boolean started;

  /** Whether the channel waits: nothing is read ahead (see {@link #hold}). */
  private boolean held;

  /** The bytes of the pages held, charged to the memory budget. */
  private long pageBytes;

  /** What the blocks read ahead hold in the node's memory budget. */
  private final ReadAhead charge;

  public SendQueue(SessionIo io, Supplier<DataRequest> request, Owner owner) {
    this.io = io;
    this.request = request;
    this.owner = owner;
    this.charge = new ReadAhead(io, READ_AHEAD_BYTES);
  }

  /**
   * Starts over from traversal index {@code startIndex}; the blocks stepped over from index {@code
   * measureFrom} on are measured and reported to {@link Owner#skipped} before the first offer.
   */
  public void start(long startIndex, long measureFrom) {
    stop();
    started = true;
    walkFrom = startIndex;
    this.measureFrom = measureFrom;
    readIndex = startIndex;
    nextOut = startIndex;
    walkNext();
  }

  /** Forgets everything; results of work still running are ignored. */
  public void stop() {
    epoch++;
    started = false;
    pages.clear();
    chargePages(-pageBytes);
    ready.clear();
    readAheadBytes = 0;
    charge.forgetNextSize();
    reading = false;
    settle();
    walking = false;
    walkDone = false;
    walker = null;
  }

  /** The receiver's answer to an offer; false (and the owner is told) if it does not fit. */
  public boolean onHave(Frame.Have have) {
    for (OfferedPage p : pages) {
      if (p.page.firstIndex() == have.firstIndex() && p.held == null) {
        if (have.count() != p.page.cids().size()) {
          owner.failed(
              "the receiver answered "
                  + have.count()
                  + " CIDs for a page of "
                  + p.page.cids().size());
          return false;
        }
        p.held = have.held();
        refill();
        return true;
      }
    }
    return true;
  }

  public Ready peek() {
    return ready.peek();
  }

  public Ready poll() {
    Ready r = ready.poll();
    if (r != null) {
      readAheadBytes -= r.size();
      nextOut = r.index() + 1;
      settle();
    }
    return r;
  }

  /**
   * The channel waits (for a payment, or paused): drops the blocks read ahead (a read in flight is
   * ignored when it ends) and walks and reads nothing more until {@link #resume}, which reads them
   * again from the next block to hand out. The offered pages stay: the receiver answered them.
   */
  public void hold() {
    held = true;
    readEpoch++;
    reading = false;
    ready.clear();
    readAheadBytes = 0;
    charge.forgetNextSize();
    readIndex = nextOut;
    settle();
  }

  /** The channel may send again: read ahead (and walk) again. */
  public void resume() {
    if (held) {
      held = false;
      refill();
    }
  }

  /** The bytes of blocks read ahead and not handed out yet. */
  public long bufferedBytes() {
    return readAheadBytes;
  }

  /** The traversal index of the next block to send. */
  public long nextIndex() {
    return ready.isEmpty() ? readIndex : ready.peek().index();
  }

  /** Whether every block of the traversal has been handed out. */
  public boolean isDrained() {
    return walkDone && pages.isEmpty() && ready.isEmpty() && !reading;
  }

  /** Drops answered pages that are read, reads ahead, walks ahead. */
  public void refill() {
    while (!pages.isEmpty()) {
      OfferedPage p = pages.peek();
      boolean answered = p.held != null || p.page.cids().isEmpty();
      if (!answered || nextOut < p.page.endIndex()) {
        break;
      }
      pages.poll();
      chargePages(-heapBytes(p));
    }
    readMore();
    walkNext();
  }

  private void walkNext() {
    if (!started || held || walking || walkDone || pages.size() >= PAGES_AHEAD) {
      return;
    }
    walking = true;
    int myEpoch = epoch;
    // The walk runs on the blocking pool and touches only its own walker: a restart (stop) while
    // it runs starts another epoch whose first walk makes a new one, and the two must not share
    // the field. Read from the pool, the field let an old epoch's walk and a new one advance one
    // traversal at once ("cannot walk the DAG: ... "explorer" is null" in a rolling restart).
    Walker current = walker;
    int size = current == null ? FIRST_PAGE : PAGE;
    DataRequest r = request.get();
    long from = walkFrom;
    long measure = measureFrom;
    io.blocking(
        () -> {
          if (current != null) {
            return new Walked(current, current.next(size), NONE);
          }
          Walker w =
              new Walker(io.store(), r.root(), r.selector(), io.settings().maxBlocksPerChannel());
          long[] skipped = w.skipMeasuring(from, measure);
          return new Walked(w, w.next(size), skipped);
        },
        (walked, error) -> {
          if (myEpoch != epoch) {
            return;
          }
          walking = false;
          if (error != null) {
            owner.failed("cannot walk the DAG: " + SendChannel.message(error));
            return;
          }
          walker = walked.walker();
          if (walked.skipped().length > 0) {
            owner.skipped(measure, walked.skipped());
          }
          Walker.Page page = walked.page();
          OfferedPage offered = new OfferedPage(page);
          pages.add(offered);
          chargePages(heapBytes(offered));
          if (!page.cids().isEmpty()) {
            owner.offer(page);
          }
          if (page.last()) {
            walkDone = true;
            owner.walked(page.endIndex());
          }
          refill();
          owner.ready();
        });
  }

  /**
   * Reads the next run of needed blocks (up to {@link #READ_BLOCKS}, as many as the room reserved
   * for them holds) in one blocking call; held blocks in the run become markers.
   */
  private void readMore() {
    if (held || reading || readAheadBytes >= READ_AHEAD_BYTES) {
      return;
    }
    List<Long> run = new ArrayList<>();
    List<Cid> cids = new ArrayList<>();
    BitSet needed = new BitSet();
    BitSet measured = new BitSet();
    int toRead = 0;
    for (OfferedPage p : pages) {
      if (p.held == null) {
        break;
      }
      while (readIndex < p.page.endIndex()
          && toRead < READ_BLOCKS
          && run.size() < 4 * READ_BLOCKS) {
        long i = readIndex++;
        if (!p.held.get((int) (i - p.page.firstIndex()))) {
          needed.set(run.size());
          toRead++;
        } else if (owner.measuresHeld(i)) {
          measured.set(run.size());
        }
        run.add(i);
        cids.add(p.page.cid(i));
      }
      if (toRead >= READ_BLOCKS || run.size() >= 4 * READ_BLOCKS) {
        break;
      }
    }
    if (run.isEmpty()) {
      return;
    }
    if (toRead == 0 && measured.isEmpty()) {
      run.forEach(i -> ready.add(new Ready(i, null)));
      owner.ready();
      return;
    }
    boolean empty = readAheadBytes == 0;
    long room = charge.room(readAheadBytes);
    if (!empty && charge.mustWait(room)) {
      readIndex = run.get(0); // it reads on as it sends what it holds
      settle();
      return;
    }
    reading = true;
    int myEpoch = epoch;
    int myReadEpoch = readEpoch;
    io.blocking(
        () -> charge.read(run, cids, needed, measured, room, empty),
        (read, error) -> {
          if (myEpoch != epoch || myReadEpoch != readEpoch) {
            charge.dropped(read);
            return;
          }
          reading = false;
          if (error != null) {
            settle();
            owner.failed(SendChannel.message(error));
            return;
          }
          charge.kept(read);
          for (Ready r : read.blocks()) {
            ready.add(r);
            readAheadBytes += r.size();
          }
          if (read.stoppedAt() >= 0) {
            readIndex = read.stoppedAt();
          }
          settle();
          owner.ready();
        });
  }

  /** Keeps the reservation at what is read ahead (not while a read may fill what it reserved). */
  private void settle() {
    if (!reading) {
      charge.settle(readAheadBytes);
    }
  }

  /** Charges (or, negative, gives back) {@code bytes} of pages of CIDs. */
  private void chargePages(long bytes) {
    if (bytes != 0) {
      pageBytes += bytes;
      io.chargePages(request.get().channelId(), bytes);
    }
  }

  /** The heap an offered page takes: its CIDs and its answer's bits. */
  private static long heapBytes(OfferedPage p) {
    long bytes = 64 + p.page.cids().size() / 8;
    for (Cid cid : p.page.cids()) {
      bytes += BYTES_PER_CID + 2L * cid.byteLength();
    }
    return bytes;
  }

  static IllegalStateException missing(Cid cid) {
    return new IllegalStateException("block " + cid + " is missing from the sending node's store");
  }
}
