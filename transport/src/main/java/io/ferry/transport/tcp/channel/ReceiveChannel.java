package io.ferry.transport.tcp.channel;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.DataRequest;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.frame.InboundBlock;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of one channel, run by its peer session. It first walks the local store to
 * find how much of the traversal it already holds; when the sender's {@link Frame.Open} arrives it
 * asks for the rest from where the open says, or from its held prefix if that is shorter ({@link
 * Frame.Want}, naming the open's run; never before an open), answers each page of offered CIDs with
 * what it holds ({@link Frame.Have}), takes held blocks from its own store and each sent block from
 * the wire, checking that the block is the one the traversal expects next (its hash was checked on
 * arrival). Blocks are stored by its {@link StoreBatcher}; its {@link ReceiveCredit} returns credit
 * as they are queued for the store while the budgets have room, else as they are stored; its {@link
 * LocalReads} read the local store; blocks from the wire wait in its {@link ArrivedBlocks} until
 * the traversal reaches them.
 */
public final class ReceiveChannel implements StoreBatcher.Owner, ReceiveOffers.Owner {
  private static final Logger log = LoggerFactory.getLogger(ReceiveChannel.class);

  /** What the sender hears when this node's own store failed (the details stay in its log). */
  static final String LOCAL_STORE = "the receiving node could not store the blocks";

  public enum State {
    PREPARING,
    ACTIVE,
    ENDED
  }

  public final ChannelId id;
  private final SessionIo io;
  private final ReceiveCredit credit;
  private final StoreBatcher batcher;
  private final ReceiveOffers offers;
  private final LocalReads reads;
  private DataRequest request;
  private State state = State.PREPARING;
  private Traversal traversal;
  private final HeldIndexRequests waitingForIndex = new HeldIndexRequests();
  private long ref = -1;
  private boolean firstOffer = true;
  private final ArrivedBlocks arrived;
  private boolean paused;
  private long senderTotal = -1;

  /** The run of the sender's open this side answers; -1 until an open arrives. */
  private long run = -1;

  /**
   * The run of the last open this side heard, kept between runs and from the side it replaced (0:
   * none): its closes name it, so that a sender already on a newer run ignores them.
   */
  private long lastRun;

  /** The sender's node said it completed: it opens no run again. */
  private boolean senderCompleted;

  /** Where the open of {@link #run} starts, until the sender's first offer of the run. */
  private long runStart = Long.MAX_VALUE;

  public ReceiveChannel(DataRequest request, SessionIo io, CompletableFuture<Long> held) {
    this.id = request.channelId();
    this.request = request;
    this.io = io;
    this.credit = new ReceiveCredit(io, () -> ref, () -> state == State.ACTIVE && ref >= 0);
    Left before = io.recallReceiving(id);
    this.batcher = new StoreBatcher(id, io, this, before.reportedUpTo());
    this.lastRun = before.lastRun();
    this.offers = new ReceiveOffers(io, this);
    this.reads = new LocalReads(io);
    this.arrived = new ArrivedBlocks(credit, io.settings().maxBytesPerChannel());
    this.paused = request.paused();
    if (paused) {
      credit.pause();
    }
    waitingForIndex.add(held);
    prepare();
  }

  /**
   * What a receiving side that ended leaves to the side opened after it on the same session.
   *
   * @param reportedUpTo where its reports ended (its first traversal index no report covers): the
   *     next side counts the blocks before it as repeats, never twice
   * @param lastRun the run of the last open it heard (0: none): the next side's closes name it
   *     until it hears an open of its own
   */
  public record Left(long reportedUpTo, long lastRun) {
    public static final Left NONE = new Left(0, 0);

    /** This, followed by what a later side left. */
    Left then(Left later) {
      return new Left(
          Math.max(reportedUpTo, later.reportedUpTo), later.lastRun > 0 ? later.lastRun : lastRun);
    }
  }

  public State state() {
    return state;
  }

  /** The run of the sender's open this side answers, or -1 between runs. */
  public long run() {
    return run;
  }

  @Override
  public boolean active() {
    return state == State.ACTIVE;
  }

  private void prepare() {
    io.blocking(
        () -> Walker.heldPrefix(io.store(), request.root(), request.selector()),
        (t, error) -> {
          if (state == State.ENDED) {
            return;
          }
          if (error != null) {
            failLocally("cannot walk the local store: " + SendChannel.message(error), LOCAL_STORE);
            return;
          }
          traversal = t;
          state = State.ACTIVE;
          log.debug("{}: {} blocks already held", id, t.index());
          answerIndexWaiters();
          if (senderCompleted) {
            finishHeld();
          } else if (run >= 0 && io.isConnected()) {
            want();
          }
        });
  }

  /**
   * The sender's node completed the channel before this side finished. If this side holds the whole
   * DAG (it was killed after it held every block, and said so, but before its node recorded it), it
   * finishes now: the completed sender never opens a run again. Otherwise the blocks still to come
   * decide.
   */
  public void senderCompleted() {
    senderCompleted = true;
    if (state == State.ACTIVE) {
      finishHeld();
    }
  }

  private void finishHeld() {
    if (!reads.pending() && traversal.isDone() && firstOffer && senderTotal < 0) {
      senderTotal = traversal.index();
      finishWhenStored();
    }
  }

  /**
   * The engine opened the channel again (a restart): a new run, as the request decides. Answer how
   * much is held; ask for nothing until the sender opens its side again.
   */
  public void reopen(DataRequest again, CompletableFuture<Long> held) {
    this.request = again;
    waitingForIndex.add(held);
    stopRun();
    setPaused(again.paused());
    if (state == State.ACTIVE) {
      batcher.flush();
      answerIndexWaiters();
    }
  }

  /** Forgets the sender's run: its frames in flight are dropped, the next open starts anew. */
  private void stopRun() {
    run = -1;
    runStart = Long.MAX_VALUE;
    if (state == State.ACTIVE) {
      forgetInFlight();
    }
    io.unbind(this);
    ref = -1;
  }

  /**
   * The sender opened its side (run {@code run}, from {@code startIndex}): ask for the blocks. The
   * same open again (re-sent after a reconnect) asks again only if no want of it is out.
   */
  public void onOpen(long openRun, long startIndex) {
    if (state == State.ENDED || (openRun == run && ref >= 0)) {
      return;
    }
    if (openRun != run) {
      stopRun();
      run = openRun;
      lastRun = openRun;
      runStart = startIndex;
    }
    if (state == State.ACTIVE && io.isConnected()) {
      want();
    }
  }

  /** Answers openReceive once every consumed block is stored: the held prefix is then exact. */
  private void answerIndexWaiters() {
    if (state != State.ACTIVE || !batcher.idle() || waitingForIndex.isEmpty()) {
      return;
    }
    waitingForIndex.answer(traversal.index());
  }

  /** The connection is up: ask the sender that opened for what is missing. */
  public void connected() {
    if (state == State.ACTIVE && run >= 0) {
      want();
    }
  }

  private void want() {
    forgetInFlight();
    ref = io.newRef(this);
    long from = Math.min(runStart, traversal.index());
    offers.reset(from);
    firstOffer = true;
    io.control(new Frame.Want(id, ref, run, from, credit.open(), paused));
    advance();
  }

  /** Drops what belongs to the previous want: offers, and blocks that arrived but were not used. */
  private void forgetInFlight() {
    reads.dropPending();
    offers.reset(traversal == null ? 0 : traversal.index());
    arrived.dropUnused();
    senderTotal = -1;
  }

  /** The download limiter let go: return the credit held back meanwhile. */
  public void unthrottled() {
    if (state == State.ACTIVE) {
      credit.release();
    }
  }

  public void onOffer(Frame.Offer offer) {
    if (firstOffer) {
      firstOffer = false;
      runStart = Long.MAX_VALUE;
      credit.start();
      long at = traversal.index();
      if (offer.firstIndex() > at) {
        fail(
            "the sender starts at block " + offer.firstIndex() + " but this node holds only " + at);
        return;
      }
      if (offer.firstIndex() < at) {
        rewind(offer.firstIndex());
      }
      offers.reset(offer.firstIndex());
    }
    offers.add(offer, ref);
  }

  @Override
  public void checked() {
    advance();
  }

  @Override
  public void offersFailed(String why) {
    fail(why);
  }

  /**
   * The sender starts before where this side stands (its engine decided to start before the held
   * prefix, to count blocks stored but not counted): walk the local store again up to there.
   */
  private void rewind(long to) {
    reads.start(
        () -> Walker.positionedAt(io.store(), request.root(), request.selector(), to),
        (t, error) -> {
          if (state != State.ACTIVE) {
            return;
          }
          if (error != null) {
            failLocally("cannot walk the local store: " + SendChannel.message(error), LOCAL_STORE);
            return;
          }
          traversal = t;
          advance();
        });
  }

  public void onDone(long total) {
    senderTotal = total;
    advance();
  }

  public void onBlock(InboundBlock b) {
    String refused = arrived.add(b);
    if (refused != null) {
      fail(refused);
      return;
    }
    advance();
  }

  /**
   * Consumes held and arrived blocks in traversal order, as far as possible. While this side is
   * paused nothing moves: blocks the sender sent before it heard of the pause wait (within the
   * credit they took) until it resumes.
   */
  private void advance() {
    if (paused) {
      return;
    }
    consumeAvailable();
    // Store what was consumed now, or as soon as the write in flight ends: blocks gather into a
    // batch only while a write is in flight, never waiting for more to arrive (or for the timer).
    batcher.flush();
  }

  private void consumeAvailable() {
    while (state == State.ACTIVE && !reads.pending() && !traversal.isDone()) {
      long i = traversal.index();
      long maxBlocks = io.settings().maxBlocksPerChannel();
      if (maxBlocks > 0 && i >= maxBlocks) {
        fail("the DAG has more than the maximum of " + maxBlocks + " blocks per channel");
        return;
      }
      ReceiveOffers.Entry offered = offers.at(i);
      if (offered == null) {
        if (senderTotal >= 0 && senderTotal <= i && offers.allChecked()) {
          fail(
              "the sender ended after %d blocks but the selector expects %s next"
                  .formatted(senderTotal, traversal.expectedNext().orElseThrow()));
        }
        return;
      }
      Cid expected = traversal.expectedNext().orElseThrow();
      if (!offered.cid().equals(expected)) {
        fail(
            "the sender offered %s as block %d but the selector expects %s"
                .formatted(offered.cid(), i, expected));
        return;
      }
      if (offered.held()) {
        takeLocal(expected, i);
      } else if (!takeArrived(expected, i)) {
        return;
      }
    }
    if (state == State.ACTIVE && !reads.pending() && traversal.isDone()) {
      finishWhenStored();
    }
  }

  /** Takes the next arrived block, which must be block {@code i}; false if none arrived yet. */
  private boolean takeArrived(Cid expected, long i) {
    InboundBlock b = arrived.poll();
    if (b == null) {
      return false;
    }
    if (b.index() != i || !b.cid().equals(expected)) {
      fail(
          "block %s (index %d) was not asked for: the selector expects %s at index %d"
              .formatted(b.cid(), b.index(), expected, i));
      return false;
    }
    Block block = Block.trusted(b.cid(), b.data());
    if (!consume(block)) {
      return false;
    }
    batcher.add(block, i, i >= firstUncounted(), credit.queued(block.size()));
    return true;
  }

  /**
   * The first traversal index counted by no one: the engine's count when it opened this side, or
   * the end of what this side (or the side it replaced) reported, if further. The engine opens a
   * restarted channel with the count it has then, which may miss the last report of the side it
   * closed (still on its way); counting those blocks again made a pull receive 60 blocks of a
   * 49-block DAG (PaidRestartsOverTcpTest at load 40).
   */
  private long firstUncounted() {
    return Math.max(request.countedBlocks(), batcher.reportedUpTo());
  }

  private boolean consume(Block block) {
    String refused = Walker.advanceOver(traversal, io.store(), block);
    if (refused != null) {
      fail(refused);
    }
    return refused == null;
  }

  /**
   * A block this node holds: advance over it (reading it if it has links). A repeat moves no bytes;
   * a block counted here for the first time counts with its stored size.
   */
  private void takeLocal(Cid cid, long index) {
    boolean firstTime = index >= firstUncounted();
    boolean identity = cid.multihash().code() == Multicodec.IDENTITY;
    if (identity || (cid.codec() == Multicodec.RAW && !firstTime)) {
      Block block = Walker.load(io.store(), cid, index);
      if (consume(block)) {
        batcher.held(index, firstTime, block.size());
      }
      return;
    }
    reads.start(
        () -> Walker.held(io.store(), cid, index),
        (held, error) -> {
          if (state != State.ACTIVE) {
            return;
          }
          if (error != null) {
            failLocally(
                "held block " + cid + " vanished: " + SendChannel.message(error), LOCAL_STORE);
          } else if (consume(held.block())) {
            batcher.held(index, firstTime, held.size());
            advance();
          }
        });
  }

  /** Timer: store what waits in the batch, report progress. */
  public void flush() {
    batcher.flush();
    batcher.flushProgress();
  }

  public void flushProgress() {
    batcher.flushProgress();
  }

  @Override
  public void stored(long bytes, long earlyBytes) {
    credit.stored(bytes, earlyBytes);
    answerIndexWaiters();
    batcher.flush();
    if (traversal.isDone()) {
      finishWhenStored();
    }
  }

  @Override
  public void storeFailed(String why) {
    failLocally(why, LOCAL_STORE);
  }

  private void finishWhenStored() {
    if (firstOffer && senderTotal < 0) {
      // The whole DAG was held already, but the sender has not answered this want: the data is
      // finished only once it has (it may never accept the channel).
      return;
    }
    if (senderTotal >= 0 && senderTotal != traversal.index()) {
      fail(
          "the sender counts %d blocks but the selector ends after %d"
              .formatted(senderTotal, traversal.index()));
      return;
    }
    batcher.flush();
    if (state == State.ACTIVE && batcher.idle()) {
      batcher.flushProgress();
      if (ref >= 0) {
        // No want is out when the sender completed without opening again: nobody to tell.
        io.control(new Frame.Complete(ref, traversal.index()));
      }
      end();
      io.handler().onDataFinished(id, false, null);
    }
  }

  /** The sender returned {@code bytes} of credit it had not used, answering this side's pause. */
  public void onCreditReturned(long bytes) {
    if (state != State.ENDED) {
      credit.returned(bytes);
    }
  }

  public void pauseLocally() {
    setPaused(true);
  }

  public void resumeLocally() {
    setPaused(false);
  }

  /**
   * Pauses or resumes this side: credit is withheld and nothing is consumed while paused. The
   * sender hears of it at once if a want of this side is out, else with the next want.
   */
  private void setPaused(boolean pause) {
    if (pause == paused) {
      return;
    }
    paused = pause;
    if (ref >= 0 && state == State.ACTIVE) {
      io.control(pause ? new Frame.Pause(id) : new Frame.Resume(id));
    }
    if (pause) {
      credit.pause();
    } else {
      credit.resume();
      advance();
    }
  }

  /**
   * The sender closed its side: it failed (with a reason), or stopped this run (a restart or a
   * cancel; its engine tells which): then this side waits for the next open.
   */
  public void onRemoteClose(String error) {
    if (state == State.ENDED) {
      return;
    }
    if (error.isEmpty()) {
      log.debug("{}: the sender closed its run before the end", id);
      stopRun();
    } else {
      String why = "the sending peer failed: " + error;
      log.warn("channel {} failed receiving from {}: {}", id, io.peer(), why);
      end();
      io.handler().onDataFinished(id, false, why);
    }
  }

  /** The connection dropped: blocks in flight are lost; ask again once reconnected. */
  public void connectionLost() {
    forgetInFlight();
  }

  /** This side gives up, telling the sender why. */
  public void fail(String error) {
    failLocally(error, error);
  }

  /**
   * This side gives up for {@code error}, telling the sender only {@code toPeer}: what happened,
   * not where on this node's disk (issue 19, 7: a CLOSE carried local paths and free space).
   */
  private void failLocally(String error, String toPeer) {
    if (state == State.ENDED) {
      return;
    }
    log.warn("channel {} failed receiving from {}: {}", id, io.peer(), error);
    batcher.flushProgress();
    io.control(new Frame.Close(id, lastRun, toPeer));
    end();
    io.handler().onDataFinished(id, false, error);
  }

  /**
   * Closed locally (a restart, a cancel): tell the sender, report nothing. An open of the engine
   * still waiting for the held prefix is withdrawn (cancelled), not failed: the engine closed it.
   */
  public void close() {
    if (state != State.ENDED) {
      io.control(new Frame.Close(id, lastRun, ""));
      waitingForIndex.withdrawn();
      end();
    }
  }

  private void end() {
    state = State.ENDED;
    io.rememberReceiving(id, new Left(batcher.reportedUpTo(), lastRun));
    reads.dropPending();
    arrived.clear();
    offers.reset(0);
    credit.close();
    waitingForIndex.closed(id);
    io.retire(id);
  }
}
