package io.ferry.transport.tcp;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataRequest;
import io.ferry.transport.tcp.frame.Frame;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of one channel, run by its peer session. After the receiver's {@link Frame.Want}
 * its {@link SendQueue} walks the DAG from the wanted index, offers the CIDs and reads the blocks
 * the receiver lacks; the channel sends them in traversal order as far as the receiver's credit,
 * the outbox, the rate limits, the pause flags and the byte limit allow, and reports progress in
 * batches.
 */
final class SendChannel implements SendQueue.Owner {
  private static final Logger log = LoggerFactory.getLogger(SendChannel.class);

  enum State {
    QUEUED,
    WAITING,
    RUNNING,
    ALL_SENT,
    ENDED
  }

  final ChannelId id;
  private final SessionIo io;
  private final SendQueue queue;
  private DataRequest request;
  private State state;
  private boolean admitted;
  private Frame.Want pendingWant;
  private boolean firstWant = true;
  private long ref = -1;
  private long credit;
  private final LocalPause pause;
  private boolean remotePaused;
  private boolean limitHeld;
  private long firstTimeQueuedBytes;
  private long highestQueued = -1;
  private long bytesSent;
  private int generation;
  private final ProgressBatch queued;
  private final ProgressBatch sent;

  SendChannel(DataRequest request, SessionIo io, boolean admitted, boolean remotePaused) {
    this.id = request.channelId();
    this.request = request;
    this.io = io;
    this.state = admitted ? State.WAITING : State.QUEUED;
    this.admitted = admitted;
    this.remotePaused = remotePaused;
    this.pause = new LocalPause(id, io);
    this.highestQueued = io.recallQueued(id);
    this.queue = new SendQueue(io, () -> this.request, this);
    TcpSettings s = io.settings();
    this.queued =
        new ProgressBatch(DataProgress.Direction.QUEUED, s.progressBlocks(), s.progressBytes());
    this.sent =
        new ProgressBatch(DataProgress.Direction.SENT, s.progressBlocks(), s.progressBytes());
  }

  State state() {
    return state;
  }

  /** Whether the channel got a send slot (it then holds it until it ends). */
  boolean wasAdmitted() {
    return admitted;
  }

  /**
   * The engine opened the channel again (a restart): keep moving, with its new limits. The byte
   * limit of a request counts first-time bytes from its open, so the count starts over; a count
   * kept from before made a sender restarted several times stop short of its limit for good. Its
   * own pause is lifted too (see below).
   */
  void reopen(DataRequest again) {
    this.request = again;
    firstWant = true;
    firstTimeQueuedBytes = 0;
    limitHeld = false;
    // An open starts unpaused, as a new channel does: the engine pauses it again if it should.
    // A responder paused for payment reopens allowed repeats only, and must resend the blocks
    // lost in flight, or the client waits for them while the responder waits for payment.
    pause.resume();
    setByteLimit(again.byteLimit());
    // The receiver's want for the new run may have come first: the sender then already runs, held
    // by the old limit or pause, and nothing else will wake it.
    pump();
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
    generation++;
    state = State.RUNNING;
    ref = want.ref();
    credit = want.credit();
    // The engine's skip (the receiver's count, relayed in a control message) decides where the
    // first run starts; a receiver that asks again after a reconnect knows better.
    long start = firstWant ? Math.min(request.skipBlocks(), want.startIndex()) : want.startIndex();
    firstWant = false;
    log.debug("{}: sending from index {} (ref {})", id, start, ref);
    queue.start(start);
  }

  void onCredit(long bytes) {
    credit += bytes;
    pump();
  }

  void onHave(Frame.Have have) {
    if (queue.onHave(have)) {
      pump();
    }
  }

  @Override
  public void offer(Walker.Page page) {
    io.control(new Frame.Offer(ref, page.firstIndex(), page.cids()));
  }

  @Override
  public void walked(long total) {
    io.control(new Frame.Done(ref, total));
  }

  @Override
  public void ready() {
    pump();
  }

  @Override
  public void failed(String why) {
    fail(why);
  }

  /** Sends what may be sent now. */
  void pump() {
    if (state != State.RUNNING) {
      return;
    }
    while (state == State.RUNNING && queue.peek() != null) {
      SendQueue.Ready next = queue.peek();
      if (next.block() == null) {
        countHeld(queue.poll().index());
        continue;
      }
      if (credit <= 0
          || pause.paused()
          || remotePaused
          || io.limits().uploadThrottled()
          || !io.hasRoom()) {
        break;
      }
      if (limitHolds(next.index())) {
        holdAtLimit();
        break;
      }
      send(queue.poll());
    }
    queue.refill();
    if (state == State.RUNNING && queue.isDrained()) {
      state = State.ALL_SENT;
      flushProgress();
      log.debug("{}: all blocks sent", id);
    }
  }

  /** Whether the byte limit holds back the block at {@code index}. */
  private boolean limitHolds(long index) {
    long limit = request.byteLimit();
    if (limit == DataRequest.NO_NEW_BYTES) {
      return index >= Math.max(request.countedBlocks(), highestQueued + 1);
    }
    return limit > 0 && firstTimeQueuedBytes >= limit;
  }

  private void holdAtLimit() {
    if (!limitHeld) {
      limitHeld = true;
      if (!queued.isEmpty()) {
        io.handler().onProgress(id, queued.drain());
      }
      io.handler().onDataLimitReached(id, firstTimeQueuedBytes);
    }
  }

  private void send(SendQueue.Ready r) {
    int size = r.block().size();
    long max = io.settings().maxBytesPerChannel();
    if (max > 0 && bytesSent + size > max) {
      fail("the channel exceeds the maximum of " + max + " bytes");
      return;
    }
    credit -= size;
    bytesSent += size;
    boolean firstTime = isFirstTime(r.index());
    if (firstTime) {
      firstTimeQueuedBytes += size;
    }
    int myGeneration = generation;
    long index = r.index();
    io.data(
        new Frame.Block(ref, index, r.block().cid(), ByteString.fromArrayUnsafe(r.block().data())),
        () -> {
          if (sent.add(index, size, firstTime) && myGeneration == generation) {
            io.handler().onProgress(id, sent.drain());
          }
        });
    io.limits().uploaded(size);
    if (queued.add(index, size, firstTime)) {
      io.handler().onProgress(id, queued.drain());
    }
  }

  private boolean isFirstTime(long index) {
    boolean first = index >= Math.max(request.countedBlocks(), highestQueued + 1);
    highestQueued = Math.max(highestQueued, index);
    return first;
  }

  /** A block the receiver holds: counted as moved, with no bytes on the wire. */
  private void countHeld(long index) {
    boolean firstTime = isFirstTime(index);
    if (queued.add(index, 0, firstTime)) {
      io.handler().onProgress(id, queued.drain());
    }
    if (sent.add(index, 0, firstTime)) {
      io.handler().onProgress(id, sent.drain());
    }
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
    if (limitHeld
        && limit != DataRequest.NO_NEW_BYTES
        && (limit == 0 || firstTimeQueuedBytes < limit)) {
      limitHeld = false;
      pump();
    }
  }

  void pauseLocally() {
    pause.pause();
  }

  void resumeLocally() {
    if (pause.resume()) {
      pump();
    }
  }

  void onRemotePause(long seq) {
    remotePaused = true;
    io.control(new Frame.Ack(id, seq, queue.nextIndex()));
  }

  void onRemoteResume(long seq) {
    remotePaused = false;
    io.control(new Frame.Ack(id, seq, queue.nextIndex()));
    pump();
  }

  /** The receiver verified and stored every block: the channel's data is complete. */
  void onComplete(long blocks) {
    if (state != State.ENDED) {
      log.debug("{}: the receiver holds all {} blocks", id, blocks);
      end(null, false);
    }
  }

  /** The receiver closed its side: it failed (with a reason) or stopped (cancelled). */
  void onRemoteClose(String error) {
    if (state == State.ENDED) {
      return;
    }
    if (!error.isEmpty()) {
      end("the receiving peer failed: " + error, false);
    } else {
      // A restart: the blocks queued so far still count (once), whatever the receiver does next.
      log.debug("{}: the receiver closed the channel before the end", id);
      flushProgress();
      io.rememberQueued(id, highestQueued);
      endSilently();
    }
  }

  /** The connection dropped: wait for the receiver to want the blocks again. */
  void connectionLost() {
    flushProgress();
    if (state == State.RUNNING || state == State.ALL_SENT) {
      generation++;
      state = State.WAITING;
      queue.stop();
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

  /**
   * Closed locally (cancelled, or before the engine opens it again): tell the receiver; the blocks
   * queued so far are reported and remembered as in {@link #onRemoteClose}.
   */
  void close() {
    if (state != State.ENDED) {
      io.control(new Frame.Close(id, ""));
      flushProgress();
      io.rememberQueued(id, highestQueued);
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
    generation++;
    queue.stop();
    io.retire(id);
  }

  /** The innermost message of a failure (unwrapping completion wrappers). */
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
