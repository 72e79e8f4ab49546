package io.ferry.transport.tcp;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataRequest;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.CodecException;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.ipld.traversal.UnexpectedBlockException;
import io.ferry.transport.tcp.frame.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of one channel, run by its peer session. It first walks the local store to
 * find how much of the traversal it already holds, then asks the sender for the rest ({@link
 * Frame.Want}), answers each page of offered CIDs with what it holds ({@link Frame.Have}), takes
 * held blocks from its own store and each sent block from the wire, checking that the block is the
 * one the traversal expects next (its hash was checked on arrival), stores blocks in batches and
 * returns credit to the sender as they are stored.
 */
final class ReceiveChannel {
  private static final Logger log = LoggerFactory.getLogger(ReceiveChannel.class);
  private static final long MIN_CREDIT = 256 * 1024;
  private static final int BATCH_BLOCKS = 64;

  enum State {
    PREPARING,
    ACTIVE,
    ENDED
  }

  private record CheckedPage(Frame.Offer offer, BitSet held) {
    long end() {
      return offer.firstIndex() + offer.cids().size();
    }
  }

  final ChannelId id;
  private final SessionIo io;
  private DataRequest request;
  private State state = State.PREPARING;
  private Traversal traversal;
  private final List<CompletableFuture<Long>> waitingForIndex = new ArrayList<>();
  private int epoch;
  private long ref = -1;
  private long allocation;
  private long unstored;
  private long withheldCredit;
  private boolean wantsCredit;
  private long nextOfferIndex;
  private final Deque<Frame.Offer> unchecked = new ArrayDeque<>();
  private boolean checking;
  private final Deque<CheckedPage> pages = new ArrayDeque<>();
  private final Deque<InboundBlock> arrived = new ArrayDeque<>();
  private boolean readingLocal;
  private boolean firstOffer;
  private boolean rewinding;
  private long senderTotal = -1;
  private List<Block> batch = new ArrayList<>();
  private long batchBytes;
  private boolean writing;
  private long bytesReceived;
  private boolean localPaused;
  private long pauseSeq;
  private final ProgressBatch received;
  private final List<long[]> pendingProgress = new ArrayList<>();

  ReceiveChannel(DataRequest request, SessionIo io, CompletableFuture<Long> held) {
    this.id = request.channelId();
    this.request = request;
    this.io = io;
    this.received =
        new ProgressBatch(
            DataProgress.Direction.RECEIVED,
            io.settings().progressBlocks(),
            io.settings().progressBytes());
    waitingForIndex.add(held);
    prepare();
  }

  State state() {
    return state;
  }

  long ref() {
    return ref;
  }

  private void prepare() {
    io.blocking(
        () -> {
          Walker w = new Walker(io.store(), request.root(), request.selector(), 0);
          w.advanceOverHeld();
          return w.traversal();
        },
        (t, error) -> {
          if (state == State.ENDED) {
            return;
          }
          if (error != null) {
            String why = "cannot walk the local store: " + SendChannel.message(error);
            waitingForIndex.forEach(f -> f.completeExceptionally(new IllegalStateException(why)));
            waitingForIndex.clear();
            fail(why);
            return;
          }
          traversal = t;
          state = State.ACTIVE;
          log.debug("{}: {} blocks already held", id, t.index());
          answerIndexWaiters();
          if (io.isConnected()) {
            want();
          }
        });
  }

  /** The engine opened the channel again (a restart): answer how much is held, ask again. */
  void reopen(DataRequest again, CompletableFuture<Long> held) {
    this.request = again;
    waitingForIndex.add(held);
    if (state == State.ACTIVE) {
      flush();
      answerIndexWaiters();
      if (io.isConnected()) {
        want();
      }
    }
  }

  private void answerIndexWaiters() {
    if (state != State.ACTIVE || writing || !batch.isEmpty() || waitingForIndex.isEmpty()) {
      return;
    }
    long index = traversal.index();
    waitingForIndex.forEach(f -> f.complete(index));
    waitingForIndex.clear();
  }

  /** The connection is up: ask the sender for what is missing. */
  void connected() {
    if (state == State.ACTIVE) {
      want();
    }
  }

  private void want() {
    epoch++;
    ref = io.newRef(this);
    unchecked.clear();
    pages.clear();
    arrived.clear();
    readingLocal = false;
    checking = false;
    senderTotal = -1;
    nextOfferIndex = traversal.index();
    firstOffer = true;
    rewinding = false;
    if (allocation < io.settings().channelWindow()) {
      allocation += io.takeCredit(io.settings().channelWindow() - allocation, MIN_CREDIT);
    }
    long credit = Math.max(0, allocation - unstored);
    withheldCredit = 0;
    if (localPaused) {
      withheldCredit = credit;
      credit = 0;
    }
    io.control(new Frame.Want(id, ref, traversal.index(), credit));
    if (allocation == 0) {
      awaitCredit();
    }
    advance();
  }

  private void awaitCredit() {
    if (wantsCredit) {
      return;
    }
    wantsCredit = true;
    int myEpoch = epoch;
    io.onCreditFreed(
        () -> {
          wantsCredit = false;
          if (state != State.ACTIVE || myEpoch != epoch) {
            return;
          }
          long got = io.takeCredit(io.settings().channelWindow() - allocation, MIN_CREDIT);
          if (got == 0) {
            awaitCredit();
            return;
          }
          allocation += got;
          grant(got);
        });
  }

  private void grant(long bytes) {
    if (io.downloadThrottled() || localPaused) {
      withheldCredit += bytes;
    } else if (bytes > 0) {
      io.control(new Frame.Credit(ref, bytes));
    }
  }

  /** The download limiter let go: return the credit held back meanwhile. */
  void unthrottled() {
    if (state == State.ACTIVE && withheldCredit > 0 && !localPaused && !io.downloadThrottled()) {
      long c = withheldCredit;
      withheldCredit = 0;
      io.control(new Frame.Credit(ref, c));
    }
  }

  void onOffer(Frame.Offer offer) {
    if (firstOffer) {
      firstOffer = false;
      long at = traversal.index();
      if (offer.firstIndex() > at) {
        fail(
            "the sender starts at block "
                + offer.firstIndex()
                + " but this node holds only the first "
                + at);
        return;
      }
      if (offer.firstIndex() < at) {
        rewind(offer.firstIndex());
      }
      nextOfferIndex = offer.firstIndex();
    }
    if (offer.firstIndex() != nextOfferIndex) {
      fail(
          "the sender offered CIDs from index "
              + offer.firstIndex()
              + " but the next expected offer starts at "
              + nextOfferIndex);
      return;
    }
    nextOfferIndex = offer.firstIndex() + offer.cids().size();
    unchecked.add(offer);
    checkOffers();
  }

  private void checkOffers() {
    if (checking || unchecked.isEmpty()) {
      return;
    }
    Frame.Offer offer = unchecked.poll();
    checking = true;
    int myEpoch = epoch;
    io.blocking(
        () -> {
          BitSet held = new BitSet(offer.cids().size());
          for (int i = 0; i < offer.cids().size(); i++) {
            Cid c = offer.cids().get(i);
            if (c.multihash().code() == Multicodec.IDENTITY || io.store().has(c)) {
              held.set(i);
            }
          }
          return held;
        },
        (held, error) -> {
          if (myEpoch != epoch || state != State.ACTIVE) {
            return;
          }
          checking = false;
          if (error != null) {
            fail("cannot look up offered blocks: " + SendChannel.message(error));
            return;
          }
          io.control(new Frame.Have(ref, offer.firstIndex(), offer.cids().size(), held));
          pages.add(new CheckedPage(offer, held));
          checkOffers();
          advance();
        });
  }

  /**
   * The sender starts before where this side stands (the engine told it to skip fewer blocks than
   * are held): walk the local store again up to the sender's start.
   */
  private void rewind(long to) {
    rewinding = true;
    int myEpoch = epoch;
    io.blocking(
        () -> {
          Walker w = new Walker(io.store(), request.root(), request.selector(), 0);
          w.skip(to);
          return w.traversal();
        },
        (t, error) -> {
          if (myEpoch != epoch || state != State.ACTIVE) {
            return;
          }
          rewinding = false;
          if (error != null) {
            fail("cannot walk the local store: " + SendChannel.message(error));
            return;
          }
          traversal = t;
          advance();
        });
  }

  void onDone(long total) {
    senderTotal = total;
    advance();
  }

  void onBlock(InboundBlock b) {
    if (!b.matches()) {
      fail(b.problem());
      return;
    }
    long max = io.settings().maxBytesPerChannel();
    if (max > 0 && bytesReceived + b.data().length > max) {
      fail("the channel exceeds the maximum of " + max + " bytes");
      return;
    }
    bytesReceived += b.data().length;
    unstored += b.data().length;
    arrived.add(b);
    advance();
  }

  /** Consumes held and arrived blocks in traversal order, as far as possible. */
  private void advance() {
    if (rewinding) {
      return;
    }
    while (state == State.ACTIVE && !readingLocal && !traversal.isDone()) {
      long i = traversal.index();
      long maxBlocks = io.settings().maxBlocksPerChannel();
      if (maxBlocks > 0 && i >= maxBlocks) {
        fail("the DAG has more than the maximum of " + maxBlocks + " blocks per channel");
        return;
      }
      while (!pages.isEmpty() && pages.peek().end() <= i) {
        pages.poll();
      }
      if (pages.isEmpty() || pages.peek().offer().firstIndex() > i) {
        if (senderTotal >= 0 && senderTotal <= i && unchecked.isEmpty() && !checking) {
          fail(
              "the sender ended after "
                  + senderTotal
                  + " blocks but the selector expects "
                  + traversal.expectedNext().orElseThrow()
                  + " next");
        }
        break;
      }
      CheckedPage page = pages.peek();
      int at = (int) (i - page.offer().firstIndex());
      Cid offered = page.offer().cids().get(at);
      Cid expected = traversal.expectedNext().orElseThrow();
      if (!offered.equals(expected)) {
        fail(
            "the sender offered "
                + offered
                + " as block "
                + i
                + " but the selector expects "
                + expected);
        return;
      }
      if (page.held().get(at)) {
        takeLocal(expected, i);
        continue;
      }
      InboundBlock b = arrived.peek();
      if (b == null) {
        break;
      }
      arrived.poll();
      if (b.index() != i || !b.cid().equals(expected)) {
        fail(
            "block "
                + b.cid()
                + " (index "
                + b.index()
                + ") was not asked for: the selector expects "
                + expected
                + " at index "
                + i);
        return;
      }
      Block block = Block.trusted(b.cid(), b.data());
      if (!consume(block)) {
        return;
      }
      batch.add(block);
      batchBytes += block.size();
      pendingProgress.add(new long[] {i, block.size(), i >= request.countedBlocks() ? 1 : 0});
      if (batch.size() >= BATCH_BLOCKS || batchBytes >= batchLimit()) {
        flush();
      }
    }
    if (state == State.ACTIVE && traversal.isDone()) {
      if (senderTotal >= 0 && senderTotal != traversal.index()) {
        fail(
            "the sender counts "
                + senderTotal
                + " blocks but the selector ends after "
                + traversal.index());
        return;
      }
      flush();
      finishIfStored();
    }
  }

  private long batchLimit() {
    return Math.max(1, Math.min(allocation / 4, 4L << 20));
  }

  private boolean consume(Block block) {
    try {
      // A raw block has no links: the traversal needs its CID, not a decoded copy of its bytes.
      traversal.advance(
          block.cid().codec() == Multicodec.RAW ? Walker.load(io.store(), block.cid(), 0) : block);
      return true;
    } catch (UnexpectedBlockException e) {
      fail(e.getMessage());
    } catch (CodecException e) {
      fail("block " + block.cid() + " cannot be decoded: " + e.getMessage());
    } catch (RuntimeException e) {
      fail("block " + block.cid() + " cannot be traversed: " + e.getMessage());
    }
    return false;
  }

  /** A block this node holds: advance over it and count it as moved, with no bytes. */
  private void takeLocal(Cid cid, long index) {
    if (cid.codec() == Multicodec.RAW || cid.multihash().code() == Multicodec.IDENTITY) {
      if (consume(Walker.load(io.store(), cid, index))) {
        countHeld(index);
      }
      return;
    }
    readingLocal = true;
    int myEpoch = epoch;
    io.blocking(
        () -> Walker.load(io.store(), cid, index),
        (block, error) -> {
          if (myEpoch != epoch || state != State.ACTIVE) {
            return;
          }
          readingLocal = false;
          if (error != null) {
            fail("held block " + cid + " vanished: " + SendChannel.message(error));
            return;
          }
          if (consume(block)) {
            countHeld(index);
            advance();
          }
        });
  }

  /** Writes the batch to the store, one write in flight at a time. */
  void flush() {
    if (writing || state != State.ACTIVE) {
      return;
    }
    if (batch.isEmpty()) {
      for (long[] p : pendingProgress) {
        if (received.add(p[0], p[1], p[2] == 1)) {
          io.handler().onProgress(id, received.drain());
        }
      }
      pendingProgress.clear();
      return;
    }
    List<Block> toWrite = batch;
    List<long[]> progress = new ArrayList<>(pendingProgress);
    long bytes = batchBytes;
    batch = new ArrayList<>();
    batchBytes = 0;
    pendingProgress.clear();
    writing = true;
    io.blocking(
        () -> {
          io.store().putAll(toWrite);
          return bytes;
        },
        (stored, error) -> {
          writing = false;
          if (state != State.ACTIVE) {
            return;
          }
          if (error != null) {
            fail("cannot store received blocks: " + SendChannel.message(error));
            return;
          }
          unstored -= bytes;
          io.downloaded(bytes);
          for (long[] p : progress) {
            if (received.add(p[0], p[1], p[2] == 1)) {
              io.handler().onProgress(id, received.drain());
            }
          }
          grant(bytes);
          answerIndexWaiters();
          flush();
          finishIfStored();
        });
  }

  private void finishIfStored() {
    if (state == State.ACTIVE && traversal.isDone() && batch.isEmpty() && !writing) {
      flushProgress();
      io.control(new Frame.Close(id, ""));
      end();
      io.handler().onDataFinished(id, false, null);
    }
  }

  private void countHeld(long index) {
    if (batch.isEmpty() && !writing) {
      if (received.add(index, 0, index >= request.countedBlocks())) {
        io.handler().onProgress(id, received.drain());
      }
    } else {
      pendingProgress.add(new long[] {index, 0, index >= request.countedBlocks() ? 1 : 0});
    }
  }

  void flushProgress() {
    if (!received.isEmpty()) {
      io.handler().onProgress(id, received.drain());
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
      unthrottled();
    }
  }

  void onRemotePause(long seq) {
    io.control(new Frame.Ack(id, seq, traversal == null ? 0 : traversal.index()));
  }

  void onRemoteResume(long seq) {
    io.control(new Frame.Ack(id, seq, traversal == null ? 0 : traversal.index()));
  }

  /** The sender closed its side: it failed (with a reason) or stopped (cancelled). */
  void onRemoteClose(String error) {
    if (state == State.ENDED) {
      return;
    }
    if (error.isEmpty()) {
      log.debug("{}: the sender closed the channel before the end", id);
      end();
    } else {
      String why = "the sending peer failed: " + error;
      log.warn("channel {} failed receiving from {}: {}", id, io.peer(), why);
      end();
      io.handler().onDataFinished(id, false, why);
    }
  }

  /** The connection dropped: blocks in flight are lost; ask again once reconnected. */
  void connectionLost() {
    epoch++;
    unchecked.clear();
    pages.clear();
    unstored -= arrived.stream().mapToLong(b -> b.data().length).sum();
    arrived.clear();
    checking = false;
    readingLocal = false;
  }

  /** This side gives up, telling the sender why. */
  void fail(String error) {
    if (state == State.ENDED) {
      return;
    }
    log.warn("channel {} failed receiving from {}: {}", id, io.peer(), error);
    flushProgress();
    io.control(new Frame.Close(id, error));
    end();
    io.handler().onDataFinished(id, false, error);
  }

  /** Closed locally (e.g. cancelled): tell the sender, report nothing. */
  void close() {
    if (state != State.ENDED) {
      io.control(new Frame.Close(id, ""));
      end();
    }
  }

  private void end() {
    state = State.ENDED;
    epoch++;
    arrived.clear();
    pages.clear();
    if (allocation > 0) {
      io.giveCredit(allocation);
      allocation = 0;
    }
    waitingForIndex.forEach(
        f -> f.completeExceptionally(new IllegalStateException("channel " + id + " was closed")));
    waitingForIndex.clear();
    io.retire(id);
  }
}
