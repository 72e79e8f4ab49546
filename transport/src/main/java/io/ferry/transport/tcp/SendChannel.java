package io.ferry.transport.tcp;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataRequest;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.transport.tcp.frame.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of one channel, run by its peer session. After the receiver's {@link Frame.Want}
 * it walks the DAG from the wanted index, offers the CIDs page by page ({@link Frame.Offer}),
 * learns which the receiver already holds ({@link Frame.Have}), then reads the others from the
 * store and sends them in traversal order, as far as the receiver's credit, the outbox, the rate
 * limits, the pause flags and the byte limit allow.
 */
final class SendChannel {
  private static final Logger log = LoggerFactory.getLogger(SendChannel.class);
  private static final int FIRST_PAGE = 256;
  private static final int PAGE = 4096;
  private static final int PAGES_AHEAD = 3;
  private static final int READ_BLOCKS = 16;
  private static final long READ_AHEAD_BYTES = 4L << 20;

  enum State {
    QUEUED,
    WAITING,
    RUNNING,
    ALL_SENT,
    ENDED
  }

  private static final class OfferedPage {
    final Walker.Page page;
    BitSet held;

    OfferedPage(Walker.Page page) {
      this.page = page;
    }
  }

  /** A block to send, or (block null) a held block to count as moved with no bytes. */
  private record Ready(long index, Block block) {}

  final ChannelId id;
  private final SessionIo io;
  private DataRequest request;
  private State state;
  private boolean admitted;
  private Frame.Want pendingWant;
  private boolean firstWant = true;
  private int epoch;
  private long ref = -1;
  private long credit;
  private boolean localPaused;
  private boolean remotePaused;
  private boolean limitHeld;
  private long pauseSeq;
  private Walker walker;
  private boolean walking;
  private boolean walkDone;
  private final Deque<OfferedPage> pages = new ArrayDeque<>();
  private final Deque<Ready> ready = new ArrayDeque<>();
  private long readAheadBytes;
  private boolean reading;
  private long readIndex;
  private long firstTimeQueuedBytes;
  private long highestQueued = -1;
  private long bytesSent;
  private final ProgressBatch queued;
  private final ProgressBatch sent;

  SendChannel(DataRequest request, SessionIo io, boolean admitted, boolean remotePaused) {
    this(request, io, admitted);
    this.remotePaused = remotePaused;
  }

  SendChannel(DataRequest request, SessionIo io, boolean admitted) {
    this.id = request.channelId();
    this.request = request;
    this.io = io;
    this.state = admitted ? State.WAITING : State.QUEUED;
    this.admitted = admitted;
    TcpSettings s = io.settings();
    this.queued =
        new ProgressBatch(DataProgress.Direction.QUEUED, s.progressBlocks(), s.progressBytes());
    this.sent =
        new ProgressBatch(DataProgress.Direction.SENT, s.progressBlocks(), s.progressBytes());
  }

  State state() {
    return state;
  }

  long ref() {
    return ref;
  }

  DataRequest request() {
    return request;
  }

  /** The engine opened the channel again (a restart): keep moving, with its new limits. */
  void reopen(DataRequest again) {
    this.request = again;
    firstWant = true;
    setByteLimit(again.byteLimit());
  }

  /** A send slot became free for this queued channel. */
  void admitted() {
    if (state != State.QUEUED) {
      return;
    }
    state = State.WAITING;
    admitted = true;
    io.handler().onChannelStarted(id);
    if (pendingWant != null) {
      Frame.Want w = pendingWant;
      pendingWant = null;
      onWant(w);
    }
  }

  /** The receiver wants the blocks from {@code want.startIndex()}: (re)start from there. */
  void onWant(Frame.Want want) {
    if (state == State.ENDED) {
      return;
    }
    if (state == State.QUEUED) {
      pendingWant = want;
      return;
    }
    epoch++;
    state = State.RUNNING;
    ref = want.ref();
    credit = want.credit();
    // The engine's skip (from the receiver's count, relayed in a control message) decides where
    // the first run starts; a receiver that asks again after a reconnect knows better.
    long start = firstWant ? Math.min(request.skipBlocks(), want.startIndex()) : want.startIndex();
    firstWant = false;
    pages.clear();
    ready.clear();
    readAheadBytes = 0;
    reading = false;
    walking = false;
    walkDone = false;
    readIndex = start;
    walker = null;
    log.debug("{}: sending from index {} (ref {})", id, start, ref);
    walkNext(start);
  }

  void onCredit(long bytes) {
    credit += bytes;
    pump();
  }

  void onHave(Frame.Have have) {
    for (OfferedPage p : pages) {
      if (p.page.firstIndex() == have.firstIndex() && p.held == null) {
        if (have.count() != p.page.cids().size()) {
          fail("receiver answered " + have.count() + " CIDs for a page of " + p.page.cids().size());
          return;
        }
        p.held = have.held();
        pump();
        return;
      }
    }
    log.debug("{}: ignoring an answer for an unknown page at {}", id, have.firstIndex());
  }

  private void walkNext(long startIndex) {
    if (walking || walkDone || pages.size() >= PAGES_AHEAD) {
      return;
    }
    walking = true;
    int myEpoch = epoch;
    boolean first = walker == null;
    int size = first ? FIRST_PAGE : PAGE;
    io.blocking(
        () -> {
          if (first) {
            walker =
                new Walker(
                    io.store(),
                    request.root(),
                    request.selector(),
                    io.settings().maxBlocksPerChannel());
            walker.skip(startIndex);
          }
          return walker.next(size);
        },
        (page, error) -> {
          if (myEpoch != epoch) {
            return;
          }
          walking = false;
          if (error != null) {
            fail("cannot walk the DAG: " + message(error));
            return;
          }
          pages.add(new OfferedPage(page));
          if (!page.cids().isEmpty()) {
            io.control(new Frame.Offer(ref, page.firstIndex(), page.cids()));
          }
          if (page.last()) {
            walkDone = true;
            io.control(new Frame.Done(ref, page.endIndex()));
          }
          walkNext(startIndex);
          pump();
        });
  }

  /** Sends what may be sent now; reads ahead what will be needed. */
  void pump() {
    if (state != State.RUNNING) {
      return;
    }
    while (!ready.isEmpty() && ready.peek().block() == null && state == State.RUNNING) {
      send(ready.poll());
    }
    while (!ready.isEmpty()
        && credit > 0
        && !localPaused
        && !remotePaused
        && !io.uploadThrottled()
        && io.hasRoom()
        && state == State.RUNNING) {
      if (request.byteLimit() > 0 && firstTimeQueuedBytes >= request.byteLimit()) {
        if (!limitHeld) {
          limitHeld = true;
          if (!queued.isEmpty()) {
            io.handler().onProgress(id, queued.drain());
          }
          io.handler().onDataLimitReached(id, firstTimeQueuedBytes);
        }
        break;
      }
      send(ready.poll());
      while (!ready.isEmpty() && ready.peek().block() == null && state == State.RUNNING) {
        send(ready.poll());
      }
    }
    dropAnsweredEmptyPages();
    readMore();
    if (walkDone && pages.isEmpty() && ready.isEmpty() && !reading && state == State.RUNNING) {
      state = State.ALL_SENT;
      flushProgress();
      log.debug("{}: all blocks sent", id);
    }
    walkNext(readIndex);
  }

  private void send(Ready r) {
    if (r.block() == null) {
      countHeld(r.index());
      return;
    }
    int size = r.block().size();
    long max = io.settings().maxBytesPerChannel();
    if (max > 0 && bytesSent + size > max) {
      fail("the channel exceeds the maximum of " + max + " bytes");
      return;
    }
    readAheadBytes -= size;
    credit -= size;
    bytesSent += size;
    boolean firstTime = r.index() >= Math.max(request.countedBlocks(), highestQueued + 1);
    highestQueued = Math.max(highestQueued, r.index());
    if (firstTime) {
      firstTimeQueuedBytes += size;
    }
    int myEpoch = epoch;
    long index = r.index();
    io.data(
        new Frame.Block(ref, index, r.block().cid(), ByteString.fromArrayUnsafe(r.block().data())),
        () -> {
          if (sent.add(index, size, firstTime) && myEpoch == epoch) {
            io.handler().onProgress(id, sent.drain());
          }
        });
    io.uploaded(size);
    if (queued.add(index, size, firstTime)) {
      io.handler().onProgress(id, queued.drain());
    }
  }

  /** A block the receiver holds: counted as moved, with no bytes on the wire. */
  private void countHeld(long index) {
    boolean firstTime = index >= Math.max(request.countedBlocks(), highestQueued + 1);
    highestQueued = Math.max(highestQueued, index);
    if (queued.add(index, 0, firstTime)) {
      io.handler().onProgress(id, queued.drain());
    }
    if (sent.add(index, 0, firstTime)) {
      io.handler().onProgress(id, sent.drain());
    }
  }

  private void dropAnsweredEmptyPages() {
    while (!pages.isEmpty()) {
      OfferedPage p = pages.peek();
      if (p.held == null && !p.page.cids().isEmpty()) {
        return;
      }
      if (readIndex < p.page.endIndex()) {
        return;
      }
      pages.poll();
    }
  }

  /**
   * Reads the next run of needed blocks (up to {@link #READ_BLOCKS}) in one blocking call; held
   * blocks in the run become markers, so the run lands in {@link #ready} in traversal order.
   */
  private void readMore() {
    if (reading || readAheadBytes >= READ_AHEAD_BYTES) {
      return;
    }
    List<Long> run = new ArrayList<>();
    List<Cid> runCids = new ArrayList<>();
    List<Boolean> needed = new ArrayList<>();
    int toRead = 0;
    for (OfferedPage p : pages) {
      if (p.held == null) {
        break;
      }
      while (readIndex < p.page.endIndex()
          && toRead < READ_BLOCKS
          && run.size() < 4 * READ_BLOCKS) {
        long i = readIndex++;
        boolean need = !p.held.get((int) (i - p.page.firstIndex()));
        run.add(i);
        runCids.add(p.page.cid(i));
        needed.add(need);
        if (need) {
          toRead++;
        }
      }
      if (toRead >= READ_BLOCKS || run.size() >= 4 * READ_BLOCKS) {
        break;
      }
    }
    if (run.isEmpty()) {
      return;
    }
    if (toRead == 0) {
      run.forEach(i -> ready.add(new Ready(i, null)));
      pump();
      return;
    }
    reading = true;
    int myEpoch = epoch;
    io.blocking(
        () -> {
          List<Block> blocks = new ArrayList<>(run.size());
          for (int k = 0; k < run.size(); k++) {
            Cid cid = runCids.get(k);
            blocks.add(
                !needed.get(k)
                    ? null
                    : io.store()
                        .get(cid)
                        .orElseThrow(
                            () ->
                                new IllegalStateException(
                                    "block " + cid + " is missing from this node's store")));
          }
          return blocks;
        },
        (blocks, error) -> {
          if (myEpoch != epoch) {
            return;
          }
          reading = false;
          if (error != null) {
            fail(message(error));
            return;
          }
          for (int k = 0; k < blocks.size(); k++) {
            Block b = blocks.get(k);
            ready.add(new Ready(run.get(k), b));
            readAheadBytes += b == null ? 0 : b.size();
          }
          pump();
        });
  }

  void setByteLimit(long limit) {
    request =
        new DataRequest(
            request.channelId(),
            request.peer(),
            request.root(),
            request.selector(),
            request.skipBlocks(),
            request.countedBlocks(),
            limit);
    if (limitHeld && (limit == 0 || firstTimeQueuedBytes < limit)) {
      limitHeld = false;
      pump();
    }
  }

  void pauseLocally() {
    if (!localPaused) {
      localPaused = true;
      io.control(new Frame.Pause(id, ++pauseSeq));
    }
  }

  void resumeLocally() {
    if (localPaused) {
      localPaused = false;
      io.control(new Frame.Resume(id, ++pauseSeq));
      pump();
    }
  }

  void onRemotePause(long seq) {
    remotePaused = true;
    io.control(new Frame.Ack(id, seq, nextIndex()));
  }

  void onRemoteResume(long seq) {
    remotePaused = false;
    io.control(new Frame.Ack(id, seq, nextIndex()));
    pump();
  }

  private long nextIndex() {
    return ready.isEmpty() ? readIndex : ready.peek().index();
  }

  /** The receiver closed its side: done if everything was sent, else it stopped (cancelled). */
  void onRemoteClose(String error) {
    if (state == State.ENDED) {
      return;
    }
    if (!error.isEmpty()) {
      end("the receiving peer failed: " + error, false);
    } else if (state == State.ALL_SENT) {
      end(null, false);
    } else {
      log.debug("{}: the receiver closed the channel before the end", id);
      endSilently();
    }
  }

  /** The connection dropped: wait for the receiver to want the blocks again. */
  void connectionLost() {
    if (state == State.RUNNING || state == State.ALL_SENT) {
      epoch++;
      state = State.WAITING;
      pages.clear();
      ready.clear();
      readAheadBytes = 0;
      reading = false;
      walking = false;
      walker = null;
      credit = 0;
    }
  }

  void flushProgress() {
    if (!queued.isEmpty()) {
      io.handler().onProgress(id, queued.drain());
    }
    if (!sent.isEmpty()) {
      io.handler().onProgress(id, sent.drain());
    }
  }

  /** This side gives up on the channel, telling the receiver why. */
  void fail(String error) {
    if (state != State.ENDED) {
      log.warn("channel {} failed sending to {}: {}", id, io.peer(), error);
      end(error, true);
    }
  }

  /** Closed locally (e.g. cancelled): tell the receiver, report nothing. */
  void close() {
    if (state != State.ENDED) {
      io.control(new Frame.Close(id, ""));
      endSilently();
    }
  }

  private void end(String error, boolean tellPeer) {
    flushProgress();
    if (tellPeer) {
      io.control(new Frame.Close(id, error == null ? "" : error));
    }
    endSilently();
    io.handler().onDataFinished(id, true, error);
  }

  private void endSilently() {
    state = State.ENDED;
    epoch++;
    pages.clear();
    ready.clear();
    io.retire(id);
  }

  /** Whether the channel got a send slot (it then holds it until it ends). */
  boolean wasAdmitted() {
    return admitted;
  }

  static String message(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException
            || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }
}
