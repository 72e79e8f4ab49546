package io.ferry.transport.tcp.channel;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.transport.tcp.channel.SendQueue.Ready;
import io.ferry.transport.tcp.frame.Frame;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of one channel, run by its peer session. Each open by the engine (the first, and
 * each restart) is a new run: the channel sends a {@link Frame.Open} carrying the run's number, its
 * start and the engine's control message, and takes only a {@link Frame.Want} that names that run.
 * Then its {@link SendQueue} walks the DAG from the wanted index, offers the CIDs and reads the
 * blocks the receiver lacks; the channel sends them in traversal order as far as the receiver's
 * credit, the outbox, the rate limits, the pause flags and the byte limit allow, and reports
 * progress in batches.
 */
public final class SendChannel implements SendQueue.Owner {
  private static final Logger log = LoggerFactory.getLogger(SendChannel.class);

  public enum State {
    QUEUED,
    AWAITING_WANT,
    RUNNING,
    ALL_SENT,
    ENDED
  }

  public final ChannelId id;
  private final SessionIo io;
  private final SendQueue queue;
  private DataRequest request;
  private State state;
  private boolean admitted;
  private Frame.Want pendingWant;
  private long run;
  private boolean wanted;
  private long ref = -1;
  private long credit;
  private boolean paused;
  private boolean remotePaused;
  private boolean limitHeld;
  private boolean slotGivenBack;
  private boolean requeued;

  /** A slot is asked for again and not given yet (one request at a time: each takes a slot). */
  private boolean slotAsked;

  /** Whether the receiver granted credit in this run (the want's or a credit frame's). */
  private boolean creditSeen;

  /** The slot went back because the receiver has no credit for this channel yet. */
  private boolean creditAwaited;

  private long firstTimeQueuedBytes;
  private long bytesSent;
  private int generation;
  private final SendCounts counts;

  /**
   * A channel opened by the engine with {@code request}, holding a send slot if {@code admitted};
   * {@link #open} sends its open. One opened paused without a slot waits without one, as a channel
   * paused later does: it takes one when resumed (six pulls opened paused for credit held all of a
   * peer's {@code channels-per-peer} slots while sending nothing).
   */
  public SendChannel(DataRequest request, SessionIo io, boolean admitted) {
    this.id = request.channelId();
    this.request = request;
    this.io = io;
    this.paused = request.paused();
    this.state = admitted || paused ? State.AWAITING_WANT : State.QUEUED;
    this.admitted = admitted;
    this.run = io.newRun();
    this.counts = new SendCounts(id, io, io.recallCounted(id));
    this.queue = new SendQueue(io, () -> this.request, this);
    if (paused && !admitted) {
      waitWithoutSlot();
    }
  }

  public State state() {
    return state;
  }

  /** The run of this side's latest open: a close that names another is from a run it left. */
  public long run() {
    return run;
  }

  /** The bytes of blocks this channel read ahead and has not sent yet. */
  public long bufferedBytes() {
    return queue.bufferedBytes();
  }

  /** Whether the channel got a send slot (it then holds it until it ends). */
  public boolean wasAdmitted() {
    return admitted;
  }

  /**
   * Tells the receiver this run is open, with the engine's {@code message} (null: none); {@code
   * sent} completes once the open is on its way, or fails if the peer cannot be reached.
   */
  public void open(TransferMessage message, CompletableFuture<Void> sent) {
    io.send(new Frame.Open(id, run, request.startIndex(), message), sent);
  }

  /**
   * The engine opened the channel again (a restart): a new run with the new request's decision.
   * Data stops until the receiver wants it for the new run. The byte limit counts first-time bytes
   * from this open; a count kept from before made a sender restarted several times stop short of
   * its limit for good.
   */
  public void reopen(DataRequest again, TransferMessage message, CompletableFuture<Void> sent) {
    this.request = again;
    firstTimeQueuedBytes = 0;
    limitHeld = false;
    paused = again.paused();
    creditAwaited = false;
    pendingWant = null;
    stopRunning();
    run = io.newRun();
    wanted = false;
    if (paused) {
      giveSlotBack();
    } else {
      retakeSlot();
    }
    open(message, sent);
  }

  /**
   * A send slot became free for this queued channel; false if the channel does not take it (it is
   * not queued: it ended, or an earlier slot admitted it; or it was paused while in line, when it
   * waits without a slot until resumed), and the slot must go back.
   */
  public boolean admitted() {
    if (state != State.QUEUED) {
      return false;
    }
    state = State.AWAITING_WANT;
    if (paused) {
      waitWithoutSlot();
      requeued = true; // its engine shows it Queued: it hears of the slot it takes when resumed
      if (pendingWant != null) {
        Frame.Want w = pendingWant;
        pendingWant = null;
        onWant(w);
      }
      return false;
    }
    admitted = true;
    if (pendingWant != null) {
      Frame.Want w = pendingWant;
      pendingWant = null;
      onWant(w);
    }
    return true;
  }

  /** The connection is up: an open not answered yet is sent again (without its message). */
  public void connected() {
    if (!wanted && state != State.ENDED) {
      io.control(new Frame.Open(id, run, request.startIndex(), null));
    }
  }

  /**
   * The receiver wants the blocks from {@code want.startIndex()} for the current run: (re)start
   * from there. A want for another run (an earlier open) is ignored: the receiver answers this
   * run's open with a want of its own.
   */
  public void onWant(Frame.Want want) {
    if (state == State.ENDED) {
      return;
    }
    if (want.run() != run) {
      log.debug("{}: ignoring a want for run {}, the open is run {}", id, want.run(), run);
      return;
    }
    wanted = true;
    io.bind(want.ref(), this);
    remotePaused = want.paused();
    if (state == State.QUEUED) {
      pendingWant = want;
      return;
    }
    generation++;
    state = State.RUNNING;
    ref = want.ref();
    credit = want.credit();
    creditSeen = credit > 0;
    log.debug("{}: sending from index {} (ref {})", id, want.startIndex(), ref);
    queue.start(want.startIndex(), counts.firstUncounted(request));
    if (creditAwaited) {
      // A new want starts over: the sender offers again (with a slot) so the receiver starts.
      creditAwaited = false;
      retakeSlot();
    }
  }

  /**
   * The receiver holds blocks before this run's start that this side never counted (see {@link
   * SendCounts#delivered}): they count now, and as queued against the byte limit of this open (the
   * channel's validator hears of them and charges them, as the receiver's payer pays for them).
   */
  @Override
  public void skipped(long firstIndex, long[] sizes) {
    log.debug("{}: {} blocks from {} were delivered before", id, sizes.length, firstIndex);
    firstTimeQueuedBytes += counts.delivered(request, firstIndex, sizes);
  }

  @Override
  public boolean measuresHeld(long index) {
    return counts.queuedButNotSent(request, index);
  }

  public void onCredit(long bytes) {
    credit += bytes;
    if (bytes > 0) {
      creditSeen = true;
      if (creditAwaited) {
        creditAwaited = false;
        retakeSlot();
      }
    }
    pump();
  }

  public void onHave(Frame.Have have) {
    if (queue.onHave(have)) {
      pump();
      giveSlotBackUntilCredit();
    }
  }

  /**
   * The receiver answered an offer of this run without granting any credit: it waits for its
   * in-flight budget (held by its other channels), so this channel cannot send. Its slot goes back
   * until credit comes: the receiver's budget may be held by channels that wait for this very slot
   * (paid pulls re-queued after their payment), and neither side would move again (issue 19).
   */
  private void giveSlotBackUntilCredit() {
    if (state == State.RUNNING && admitted && !creditSeen && credit <= 0) {
      log.debug("{}: the receiver grants no credit yet, the send slot goes back", id);
      creditAwaited = true;
      giveSlotBack();
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
  public void pump() {
    if (state != State.RUNNING) {
      return;
    }
    while (state == State.RUNNING && queue.peek() != null) {
      SendQueue.Ready next = queue.peek();
      if (next.block() == null) {
        Ready held = queue.poll();
        counts.held(request, held.index(), held.heldSize());
        continue;
      }
      if (credit <= 0
          || paused
          || remotePaused
          || slotGivenBack
          || io.limits().uploadThrottled()
          || !io.hasRoom()) {
        break;
      }
      if (limitHolds(next.index(), next.block().size())) {
        holdAtLimit(next.block().size());
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

  /**
   * Whether the byte limit holds back the block at {@code index}, of {@code size} bytes: a
   * first-time block that would take the first-time bytes queued since the open beyond the limit
   * (the block that would cross a limit is not sent until the limit is raised: a paid pull's
   * provider never sends beyond what was paid for and extended on credit). Repeats always go.
   */
  private boolean limitHolds(long index, long size) {
    return index >= counts.firstUncountedQueued(request)
        && size > request.byteLimit() - firstTimeQueuedBytes;
  }

  /**
   * Holds the channel at its byte limit until the engine raises it (a payment). The send slot goes
   * back meanwhile: a peer that never pays must not keep other channels from sending (issue 19, 2).
   */
  private void holdAtLimit(long nextBlockBytes) {
    if (!limitHeld) {
      log.debug(
          "{}: holds a block of {} bytes at its byte limit {} ({} queued since the open)",
          id,
          nextBlockBytes,
          request.byteLimit(),
          firstTimeQueuedBytes);
      limitHeld = true;
      giveSlotBack();
      counts.flushQueued();
      io.handler().onDataHeld(id, firstTimeQueuedBytes, nextBlockBytes);
    }
  }

  /**
   * The channel waits (for payment): its send slot goes to other channels meanwhile, and its queue
   * drops the blocks it read ahead (they are read again when it may send on).
   */
  private void giveSlotBack() {
    if (admitted) {
      admitted = false;
      slotGivenBack = true;
      queue.hold();
      io.releaseSlot(id);
    }
  }

  /** The channel waits paused and holds no slot: it walks and reads nothing until it takes one. */
  private void waitWithoutSlot() {
    slotGivenBack = true;
    queue.hold();
  }

  /**
   * The channel may move again (paid, resumed): take a slot again before sending on, waiting in
   * line if none is free. Nothing while it still waits for its limit or its pause.
   */
  private void retakeSlot() {
    if (!slotGivenBack || admitted || slotAsked || paused || limitHeld || creditAwaited) {
      return;
    }
    slotAsked = true;
    if (io.retakeSlot(id, this::slotRetaken)) {
      slotRetaken();
    } else {
      log.debug("{}: paid, waiting for a send slot", id);
      requeued = true;
      counts.flush(); // what it sent is reported before it shows Queued, where data is not
      io.handler().onChannelQueued(id, "queued: " + io.whyQueued());
    }
  }

  private void slotRetaken() {
    slotAsked = false;
    if (state == State.ENDED) {
      io.releaseSlot(id);
      return;
    }
    if (paused || limitHeld || creditAwaited) {
      // It waits again (paused, held or without credit while in line): the slot goes on, and the
      // channel asks anew when it may move (still Queued for its engine until then).
      io.releaseSlot(id);
      return;
    }
    admitted = true;
    slotGivenBack = false;
    if (requeued) {
      requeued = false;
      io.handler().onChannelAdmitted(id);
    }
    queue.resume();
    pump();
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
    int myGeneration = generation;
    long index = r.index();
    io.data(
        new Frame.Block(ref, index, r.block().cid(), ByteString.fromArrayUnsafe(r.block().data())),
        () -> counts.written(request, index, size, myGeneration == generation));
    io.limits().uploaded(size);
    if (counts.queued(request, index, size)) {
      firstTimeQueuedBytes += size;
    }
  }

  public void setByteLimit(long limit) {
    log.debug(
        "{}: byte limit {} (held at it: {}, {} first-time bytes queued since the open)",
        id,
        limit,
        limitHeld,
        firstTimeQueuedBytes);
    request = request.withByteLimit(limit);
    if (limitHeld && firstTimeQueuedBytes < limit) {
      // The block held may still not fit: the pump holds it again and reports it again.
      limitHeld = false;
      retakeSlot();
      pump();
    }
  }

  /** The engine paused the channel (its validator waits for a voucher): the slot goes back. */
  public void pauseLocally() {
    log.debug("{}: paused by this side", id);
    paused = true;
    giveSlotBack();
  }

  public void resumeLocally() {
    if (paused) {
      paused = false;
      retakeSlot();
      pump();
    }
  }

  /** The receiver paused: nothing more is sent until it resumes (or wants again, unpaused). */
  /**
   * The receiver paused. A peer of revision 2 gets the credit this side has not used back ({@link
   * Frame.CreditReturn}): it returns it to its budgets, so that its other channels are not starved
   * by one that does not move, and grants credit again when it resumes.
   */
  public void onRemotePause() {
    remotePaused = true;
    if (io.peerReturnsCredit() && ref >= 0 && state != State.ENDED) {
      long unused = Math.max(0, credit);
      credit -= unused;
      io.control(new Frame.CreditReturn(ref, unused));
    }
  }

  public void onRemoteResume() {
    remotePaused = false;
    pump();
  }

  /** The receiver verified and stored every block: the channel's data is complete. */
  public void onComplete(long blocks) {
    if (state != State.ENDED) {
      log.debug("{}: the receiver holds all {} blocks", id, blocks);
      end(null, false);
    }
  }

  /** The receiver closed its side: it failed (with a reason) or stopped (cancelled). */
  public void onRemoteClose(String error) {
    if (state == State.ENDED) {
      return;
    }
    if (!error.isEmpty()) {
      end("the receiving peer failed: " + error, false);
    } else {
      // A restart: the blocks queued so far still count (once), whatever the receiver does next.
      log.debug("{}: the receiver closed the channel before the end", id);
      flushProgress();
      io.rememberCounted(id, counts.highest());
      endSilently();
    }
  }

  /** The connection dropped: wait for the receiver to want the blocks again. */
  public void connectionLost() {
    flushProgress();
    stopRunning();
  }

  private void stopRunning() {
    if (state == State.RUNNING || state == State.ALL_SENT) {
      flushProgress();
      generation++;
      state = State.AWAITING_WANT;
      queue.stop();
      credit = 0;
    }
  }

  public void flushProgress() {
    counts.flush();
  }

  /** This side gives up on the channel, telling the receiver why. */
  public void fail(String error) {
    if (state != State.ENDED) {
      log.warn("channel {} failed sending to {}: {}", id, io.peer(), error);
      end(error, true);
    }
  }

  /**
   * Closed locally (cancelled, or before the engine opens it again): tell the receiver; the blocks
   * queued so far are reported and remembered as in {@link #onRemoteClose}.
   */
  public void close() {
    if (state != State.ENDED) {
      log.debug("{}: closed by this side", id);
      io.control(new Frame.Close(id, run, ""));
      flushProgress();
      io.rememberCounted(id, counts.highest());
      endSilently();
    }
  }

  private void end(String error, boolean tellPeer) {
    flushProgress();
    if (tellPeer) {
      io.control(new Frame.Close(id, run, error == null ? "" : error));
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
  public static String message(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException
            || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }
}
