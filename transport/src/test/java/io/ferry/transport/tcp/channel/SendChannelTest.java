package io.ferry.transport.tcp.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.TestDags;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.transport.tcp.RecordingHandler;
import io.ferry.transport.tcp.TcpSettings;
import io.ferry.transport.tcp.flow.MemoryBudget;
import io.ferry.transport.tcp.flow.SendSlots;
import io.ferry.transport.tcp.frame.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sending side of a channel on a socket-free session: what it writes for each open and each
 * frame from the receiver, including the orderings the one open protocol settles (a want before the
 * open, a pause before the open, a want from before a restart's reopen).
 */
class SendChannelTest {
  private final MemoryBlockStore store = new MemoryBlockStore();
  private final RecordingHandler handler = new RecordingHandler();
  private final EmbeddedSession session =
      new EmbeddedSession(Peers.BOB, Peers.ALICE, store, TcpSettings.defaults(null), handler);
  private final ImportResult dag = TestDags.file(store, 40_000, 4096, 1);
  private final List<Block> blocks = Traversal.walk(store, dag.root(), Selectors.all()).toList();
  private final ChannelId id = new ChannelId(Peers.ALICE, Peers.BOB, 1);

  SendChannelTest() throws Exception {}

  private DataRequest request() {
    return DataRequest.of(id, Peers.ALICE, dag.root(), Selectors.all());
  }

  private Frame.Open open(DataRequest request) {
    session.openSend(request, null, new CompletableFuture<>());
    return session.last(Frame.Open.class);
  }

  /** The receiver wants the blocks from {@code start} for {@code run}, holding none of them. */
  private void wantAll(long ref, long run, long start) {
    session.inbound(new Frame.Want(id, ref, run, start, 1 << 20, false));
    for (Frame.Offer offer : session.outbound(Frame.Offer.class)) {
      if (offer.ref() == ref) {
        session.inbound(new Frame.Have(ref, offer.firstIndex(), offer.cids().size(), new BitSet()));
      }
    }
  }

  private List<Long> blockIndexes() {
    return session.outbound(Frame.Block.class).stream().map(Frame.Block::index).toList();
  }

  @Test
  void theOpenCarriesTheEnginesMessageAndStartUnderANewRun() {
    TransferResponse accepted = TransferResponse.update(1, false);
    CompletableFuture<Void> sent = new CompletableFuture<>();

    session.openSend(request().withStartIndex(3), accepted, sent);

    Frame.Open open = session.last(Frame.Open.class);
    assertThat(open.channel()).isEqualTo(id);
    assertThat(open.startIndex()).isEqualTo(3);
    assertThat(open.message()).isEqualTo(accepted);
    assertThat(sent).isCompleted();
    assertThat(session.outbound()).containsExactly(open);
  }

  @Test
  void aWantBeforeTheOpenIsDroppedAndTheSenderAnswersOnlyAWantForItsOpen() {
    // The old seam kept such a want (EarlyFrames) and started sending from it at the open.
    session.inbound(new Frame.Want(id, 7, 1, 0, 1 << 20, false));
    assertThat(session.outbound()).isEmpty();

    Frame.Open open = open(request());

    assertThat(session.outbound(Frame.Offer.class)).isEmpty();
    wantAll(8, open.run(), 0);
    assertThat(session.outbound(Frame.Offer.class))
        .allSatisfy(o -> assertThat(o.ref()).isEqualTo(8));
    assertThat(blockIndexes()).hasSize(blocks.size());
  }

  @Test
  void aWantFromBeforeARestartsReopenIsIgnored() {
    // A reopen (a restart) is a new run; a want that answered the previous open and arrives late
    // must not start the new run from where the old one stood.
    Frame.Open first = open(request().withByteLimit(10_000));
    wantAll(1, first.run(), 0);
    assertThat(handler.limitsReached).hasSize(1);

    Frame.Open second = open(request().withStartIndex(2).withCountedBlocks(3));
    session.clearOutbound();
    session.inbound(new Frame.Want(id, 2, first.run(), 0, 1 << 20, false));

    assertThat(second.run()).isNotEqualTo(first.run());
    assertThat(session.outbound(Frame.Offer.class)).isEmpty();
    wantAll(3, second.run(), 2);
    assertThat(session.outbound(Frame.Offer.class).get(0).firstIndex()).isEqualTo(2);
    assertThat(blockIndexes()).first().isEqualTo(2L);
    assertThat(blockIndexes()).hasSize(blocks.size() - 2);
  }

  @Test
  void aReceiversPauseBeforeTheOpenDoesNotHoldTheSender() {
    // The old seam remembered such a pause and opened the sender paused; the receiver's pause now
    // travels in its want for this open.
    session.inbound(new Frame.Pause(id));

    Frame.Open open = open(request());
    wantAll(1, open.run(), 0);

    assertThat(blockIndexes()).hasSize(blocks.size());
  }

  @Test
  void aReceiverPausedInItsWantGetsNoBlockUntilItResumes() {
    Frame.Open open = open(request());

    session.inbound(new Frame.Want(id, 1, open.run(), 0, 1 << 20, true));
    Frame.Offer offer = session.last(Frame.Offer.class);
    session.inbound(new Frame.Have(1, 0, offer.cids().size(), new BitSet()));
    assertThat(blockIndexes()).isEmpty();

    session.inbound(new Frame.Resume(id));
    assertThat(blockIndexes()).isNotEmpty();
  }

  /**
   * A sender opened paused walks nothing while it waits (it holds no send slot): it offers its
   * first page once resumed, and sends every block once the receiver answers.
   */
  @Test
  void aSenderOpenedPausedSendsNothingUntilResumed() {
    SendChannel ch = session.channels().send(open(request().withPaused(true)).channel());
    wantAll(1, session.last(Frame.Open.class).run(), 0);
    assertThat(blockIndexes()).isEmpty();
    assertThat(session.outbound(Frame.Offer.class)).isEmpty();

    ch.resumeLocally();
    session.runPending();
    haveNone(1);

    assertThat(blockIndexes()).hasSize(blocks.size());
  }

  @Test
  void anOpenAllowedRepeatsOnlySendsTheCountedBlocksThenHoldsUntilTheLimitIsRaised() {
    Frame.Open open = open(request().withCountedBlocks(3).withByteLimit(0));
    wantAll(1, open.run(), 0);

    assertThat(blockIndexes()).containsExactly(0L, 1L, 2L);
    assertThat(handler.limitsReached).containsExactly(0L);
    assertThat(handler.progress)
        .allSatisfy(p -> assertThat(p.getValue().firstTimeBlocks()).isZero());

    session.channels().send(id).setByteLimit(DataRequest.NO_LIMIT);
    session.runPending();
    assertThat(blockIndexes()).hasSize(blocks.size());
  }

  /**
   * A sender held at its byte limit (its peer has not paid) keeps no block bytes read ahead: each
   * paused sender held about 4 MiB read ahead plus a read of 16 blocks in flight (issue 19, 2).
   * Paid, it reads them again and sends every block once, in order.
   */
  @Test
  void aSenderHeldAtItsLimitKeepsNoBlocksReadAheadAndSendsEachBlockOnceWhenPaid() throws Exception {
    MemoryBlockStore bigStore = new MemoryBlockStore();
    EmbeddedSession big =
        new EmbeddedSession(Peers.BOB, Peers.ALICE, bigStore, TcpSettings.defaults(null), handler);
    ImportResult file = TestDags.file(bigStore, 8 << 20, 256 << 10, 2);
    List<Block> all = Traversal.walk(bigStore, file.root(), Selectors.all()).toList();
    long twoBlocks = all.get(0).size() + all.get(1).size();
    DataRequest limited =
        DataRequest.of(id, Peers.ALICE, file.root(), Selectors.all()).withByteLimit(twoBlocks);
    big.openSend(limited, null, new CompletableFuture<>());
    long run = big.last(Frame.Open.class).run();

    big.inbound(new Frame.Want(id, 1, run, 0, 64 << 20, false));
    for (Frame.Offer offer : big.outbound(Frame.Offer.class)) {
      big.inbound(new Frame.Have(1, offer.firstIndex(), offer.cids().size(), new BitSet()));
    }

    SendChannel sender = big.channels().send(id);
    assertThat(big.outbound(Frame.Block.class))
        .extracting(Frame.Block::index)
        .containsExactly(0L, 1L);
    assertThat(handler.limitsReached).containsExactly(twoBlocks);
    assertThat(sender.bufferedBytes()).isZero();

    sender.setByteLimit(DataRequest.NO_LIMIT);
    big.runPending();
    assertThat(big.outbound(Frame.Block.class))
        .extracting(Frame.Block::cid)
        .containsExactlyElementsOf(all.stream().map(Block::cid).toList());
  }

  /** A sender its engine paused (waiting for a voucher) drops what it read ahead as well. */
  @Test
  void aSenderPausedByItsEngineKeepsNoBlocksReadAhead() throws Exception {
    Reading reading = readingAhead(null, null, 3);
    SendChannel sender = reading.sender();
    assertThat(sender.bufferedBytes()).isPositive();

    sender.pauseLocally();
    assertThat(sender.bufferedBytes()).isZero();

    sender.resumeLocally();
    reading.sendsEveryBlockWithCredit();
  }

  private List<Long> blockIndexes(long ref) {
    return session.outbound(Frame.Block.class).stream()
        .filter(b -> b.ref() == ref)
        .map(Frame.Block::index)
        .toList();
  }

  private void haveNone(long ref) {
    for (Frame.Offer offer : session.outbound(Frame.Offer.class)) {
      if (offer.ref() == ref) {
        session.inbound(new Frame.Have(ref, offer.firstIndex(), offer.cids().size(), new BitSet()));
      }
    }
  }

  /**
   * The chaos run's deadlock (issue 19): the receiver's in-flight budget was held by paid pulls
   * whose senders had given their slots back and waited in line for one, while the slots were held
   * by new pulls whose receiver could grant them no credit. A sender whose receiver answers its
   * offer without credit now gives its slot to the channel in line, and asks again once credit
   * comes.
   */
  @Test
  void aSenderWhoseReceiverGrantsNoCreditLendsItsSlotToTheNextInLineUntilCreditComes() {
    SendSlots slots = new SendSlots(1, 64);
    session.withSlots(slots);
    Frame.Open first = open(request());
    SendChannel starved = session.channels().send(id);
    ChannelId otherId = new ChannelId(Peers.ALICE, Peers.BOB, 2);
    Frame.Open second = open(DataRequest.of(otherId, Peers.ALICE, dag.root(), Selectors.all()));
    SendChannel other = session.channels().send(otherId);
    assertThat(other.wasAdmitted()).isFalse();

    session.inbound(new Frame.Want(id, 1, first.run(), 0, 0, false));
    haveNone(1);
    assertThat(starved.wasAdmitted()).isFalse();
    assertThat(other.wasAdmitted()).isTrue();

    session.inbound(new Frame.Want(otherId, 2, second.run(), 0, 1 << 20, false));
    haveNone(2);
    assertThat(blockIndexes(2)).hasSize(blocks.size());

    session.inbound(new Frame.Credit(1, 1 << 20));
    assertThat(starved.wasAdmitted()).isFalse();
    assertThat(blockIndexes(1)).isEmpty();
    other.close();
    session.runPending();
    assertThat(starved.wasAdmitted()).isTrue();
    assertThat(blockIndexes(1)).hasSize(blocks.size());
    assertThat(slots.running()).isEqualTo(1);
    assertThat(slots.waitingCount()).isZero();
  }

  /**
   * A paid sender waiting in line for a slot that is paused and resumed meanwhile asks for one slot
   * only: each request used to take a slot when its turn came, and the channel gave back one, so
   * the peer lost a sending slot for good at each such pause.
   */
  @Test
  void aSenderPausedAndResumedWhileInLineForASlotTakesOneSlotOnly() {
    SendSlots slots = new SendSlots(1, 64);
    session.withSlots(slots);
    Frame.Open first = open(request());
    SendChannel paid = session.channels().send(id);
    session.inbound(new Frame.Want(id, 1, first.run(), 0, 1 << 20, false));
    haveNone(1);
    paid.pauseLocally();
    ChannelId otherId = new ChannelId(Peers.ALICE, Peers.BOB, 2);
    open(DataRequest.of(otherId, Peers.ALICE, dag.root(), Selectors.all()));
    SendChannel other = session.channels().send(otherId);
    assertThat(other.wasAdmitted()).isTrue();

    paid.resumeLocally();
    paid.pauseLocally();
    paid.resumeLocally();
    session.runPending();
    other.close();
    session.runPending();

    assertThat(paid.wasAdmitted()).isTrue();
    assertThat(slots.running()).isEqualTo(1);
    assertThat(slots.waitingCount()).isZero();
    paid.close();
    assertThat(slots.running()).isZero();
  }

  /**
   * Six pulls opened paused (their validator waits for credit) held all of a peer's {@code
   * channels-per-peer = 6} send slots while sending nothing. They now wait without one: another
   * pull takes a slot and sends meanwhile; resumed, each takes a slot and sends; ended, none holds
   * one.
   */
  @Test
  void pullsOpenedPausedHoldNoSendSlotAndAnotherSendsMeanwhile() {
    SendSlots slots = new SendSlots(6, 64);
    session.withSlots(slots);
    List<ChannelId> paused = new ArrayList<>();
    for (long t = 1; t <= 6; t++) {
      ChannelId c = new ChannelId(Peers.ALICE, Peers.BOB, t);
      Frame.Open o =
          open(DataRequest.of(c, Peers.ALICE, dag.root(), Selectors.all()).withPaused(true));
      session.inbound(new Frame.Want(c, t, o.run(), 0, 1 << 20, false));
      paused.add(c);
    }
    assertThat(slots.running()).isZero();
    ChannelId movingId = new ChannelId(Peers.ALICE, Peers.BOB, 7);
    Frame.Open moving = open(DataRequest.of(movingId, Peers.ALICE, dag.root(), Selectors.all()));
    assertThat(slots.heldBy(movingId)).isEqualTo(1);
    session.inbound(new Frame.Want(movingId, 7, moving.run(), 0, 1 << 20, false));
    haveNone(7);
    assertThat(blockIndexes(7)).hasSize(blocks.size());
    paused.forEach(c -> assertThat(blockIndexes(c.transferId())).isEmpty());
    session.channels().send(movingId).close();
    session.runPending();

    paused.forEach(c -> session.channels().send(c).resumeLocally());
    session.runPending();
    for (long t = 1; t <= 6; t++) {
      haveNone(t);
    }

    for (ChannelId c : paused) {
      assertThat(blockIndexes(c.transferId())).as("channel %s", c).hasSize(blocks.size());
      assertThat(slots.heldBy(c)).isEqualTo(1);
    }
    paused.forEach(c -> session.channels().send(c).close());
    session.runPending();
    assertThat(slots.running()).isZero();
    assertThat(slots.holders(Peers.ALICE)).isEmpty();
    assertThat(slots.waitingCount()).isZero();
  }

  /**
   * A channel paused while in line for a send slot gives back the slot its turn brings (it would
   * hold it sending nothing), and takes one when resumed; its engine hears it moved on then.
   */
  @Test
  void aChannelPausedInLineGivesItsTurnsSlotBackAndTakesOneWhenResumed() {
    SendSlots slots = new SendSlots(1, 64);
    session.withSlots(slots);
    open(request());
    ChannelId otherId = new ChannelId(Peers.ALICE, Peers.BOB, 2);
    Frame.Open second = open(DataRequest.of(otherId, Peers.ALICE, dag.root(), Selectors.all()));
    SendChannel other = session.channels().send(otherId);
    assertThat(other.wasAdmitted()).isFalse();
    other.pauseLocally();

    session.channels().send(id).close();
    session.runPending();

    assertThat(slots.running()).isZero();
    assertThat(slots.heldBy(otherId)).isZero();
    assertThat(handler.events).doesNotContain("admitted 2");
    other.resumeLocally();
    session.runPending();
    assertThat(slots.heldBy(otherId)).isEqualTo(1);
    assertThat(handler.events).contains("admitted 2");
    session.inbound(new Frame.Want(otherId, 2, second.run(), 0, 1 << 20, false));
    haveNone(2);
    assertThat(blockIndexes(2)).hasSize(blocks.size());
    other.close();
    session.runPending();
    assertThat(slots.running()).isZero();
    assertThat(slots.holders(Peers.ALICE)).isEmpty();
  }

  /**
   * What a sender holds is charged to the node's memory budget while it holds it: its offered
   * pages, its slot's floor and the blocks it read ahead beyond it. Paused, it gives back its
   * read-ahead and its slot and keeps its pages; ended, it gives back everything.
   */
  @Test
  void aPausedSendersPagesStayChargedAndItsReadAheadIsGivenBack() throws Exception {
    MemoryBudget memory = new MemoryBudget(64 << 20, 16 << 20);
    SendSlots slots = new SendSlots(6, 64, memory);
    Reading reading = readingAhead(memory, slots, 3);
    SendChannel sender = reading.sender();
    assertThat(sender.bufferedBytes()).isGreaterThan(MemoryBudget.SENDING);
    assertThat(memory.sending()).isEqualTo(sender.bufferedBytes());
    long pages = memory.pages();
    assertThat(pages).isPositive();

    sender.pauseLocally();

    assertThat(sender.bufferedBytes()).isZero();
    assertThat(memory.sending()).isZero();
    assertThat(memory.pages()).isEqualTo(pages);
    assertThat(slots.heldBy(id)).isZero();
    sender.resumeLocally();
    reading.sendsEveryBlockWithCredit();
    sender.close();
    reading.session().runPending();
    assertThat(memory.used()).isZero();
    assertThat(slots.running()).isZero();
  }

  /**
   * A sender that finds no memory beyond its slot's floor reads what the floor holds (one MiB: four
   * blocks of 256 KiB) and reads on as it sends, until every block is sent.
   */
  @Test
  void aSenderWithOnlyItsFloorReadsWhatItHoldsAndSendsEveryBlock() throws Exception {
    MemoryBudget memory = new MemoryBudget(32 << 20, 16 << 20); // 16 MiB for channels
    memory.takePages(15 << 20); // what other channels hold
    Reading reading = readingAhead(memory, new SendSlots(6, 64, memory), 4);

    assertThat(reading.sender().bufferedBytes())
        .isPositive()
        .isLessThanOrEqualTo(MemoryBudget.SENDING);
    assertThat(memory.sending()).isEqualTo(MemoryBudget.SENDING);
    reading.sendsEveryBlockWithCredit();
    assertThat(memory.sending()).isEqualTo(MemoryBudget.SENDING);
  }

  /** A sender reading ahead, its file's blocks and its session. */
  private record Reading(EmbeddedSession session, List<Block> all, SendChannel sender) {
    /** The receiver grants ample credit: every block goes, once and in order. */
    void sendsEveryBlockWithCredit() {
      session.inbound(new Frame.Credit(1, 64 << 20));
      assertThat(session.outbound(Frame.Block.class))
          .extracting(Frame.Block::cid)
          .containsExactlyElementsOf(all.stream().map(Block::cid).toList());
    }
  }

  /**
   * A sender of an 8 MiB file of 256 KiB blocks (seed {@code seed}) on a session charging {@code
   * memory} and counting {@code slots} (null: none), whose receiver wants it all holding none of it
   * and grants credit for the root and one leaf only: the sender reads ahead and waits for credit.
   */
  private Reading readingAhead(MemoryBudget memory, SendSlots slots, int seed) throws Exception {
    MemoryBlockStore bigStore = new MemoryBlockStore();
    EmbeddedSession big =
        new EmbeddedSession(Peers.BOB, Peers.ALICE, bigStore, TcpSettings.defaults(null), handler)
            .withSlots(slots)
            .withMemory(memory);
    ImportResult file = TestDags.file(bigStore, 8 << 20, 256 << 10, seed);
    List<Block> all = Traversal.walk(bigStore, file.root(), Selectors.all()).toList();
    big.openSend(
        DataRequest.of(id, Peers.ALICE, file.root(), Selectors.all()),
        null,
        new CompletableFuture<>());
    long run = big.last(Frame.Open.class).run();
    big.inbound(new Frame.Want(id, 1, run, 0, all.get(0).size() + all.get(1).size(), false));
    for (Frame.Offer offer : big.outbound(Frame.Offer.class)) {
      big.inbound(new Frame.Have(1, offer.firstIndex(), offer.cids().size(), new BitSet()));
    }
    return new Reading(big, all, big.channels().send(id));
  }

  private long firstTimeBytes(Direction direction) {
    return handler.progress.stream()
        .filter(e -> e.getKey().equals(id) && e.getValue().direction() == direction)
        .mapToLong(e -> e.getValue().firstTimeBytes())
        .sum();
  }

  private long firstTimeBlocks(Direction direction) {
    return handler.progress.stream()
        .filter(e -> e.getKey().equals(id) && e.getValue().direction() == direction)
        .mapToLong(e -> e.getValue().firstTimeBlocks())
        .sum();
  }

  private long sizeOfFirst(int n) {
    return blocks.subList(0, n).stream().mapToLong(Block::size).sum();
  }

  @Test
  void aRestartedSenderCountsTheBlocksTheReceiverHoldsBeyondItsJournalOnce() throws Exception {
    // The sender stopped before its engine journaled any progress; the receiver stored and counted
    // the first 3 blocks. The restart starts after them: they were delivered, so the sender counts
    // them as queued and sent, first time, with their sizes, and every byte of the DAG once.
    Frame.Open open = open(request().withStartIndex(3));
    wantAll(1, open.run(), 3);
    session.inbound(new Frame.Complete(1, blocks.size()));

    assertThat(handler.awaitFinished(id, Duration.ZERO).error()).isNull();
    assertThat(blockIndexes()).first().isEqualTo(3L);
    for (Direction d : List.of(Direction.QUEUED, Direction.SENT)) {
      assertThat(firstTimeBytes(d)).as("%s bytes", d).isEqualTo(dag.dagSize());
      assertThat(firstTimeBlocks(d)).as("%s blocks", d).isEqualTo(blocks.size());
    }
  }

  @Test
  void aRestartedSenderCountsOnlyTheHeldBlocksItsJournalLacks() {
    // The journal counted 2 blocks; the receiver holds 3: only block 2 is counted on reopen, so no
    // block is counted (nor charged) twice.
    Frame.Open open = open(request().withStartIndex(3).withCountedBlocks(2));
    wantAll(1, open.run(), 3);

    assertThat(handler.progress.get(0).getValue())
        .isEqualTo(
            new DataProgress(
                Direction.QUEUED, 1, blocks.get(2).size(), 1, blocks.get(2).size(), 3));
    long rest = dag.dagSize() - sizeOfFirst(3);
    assertThat(firstTimeBytes(Direction.QUEUED)).isEqualTo(blocks.get(2).size() + rest);
  }

  @ParameterizedTest(name = "the receiver holds {0} blocks")
  @ValueSource(longs = {0, 3})
  void blocksJournaledAsQueuedButNotAsWrittenCountAsSentOnceAndAsQueuedNever(long held)
      throws Exception {
    // The engine journaled blocks 0-2 as queued and only block 0 as sent, then stopped: blocks 1
    // and 2 count as sent once, skipped (the receiver holds them) or sent again, and never again
    // as queued (they were charged).
    Frame.Open open = open(request().withStartIndex(held).withCountedBlocks(3).withSentBlocks(1));
    wantAll(1, open.run(), held);
    session.inbound(new Frame.Complete(1, blocks.size()));

    assertThat(handler.awaitFinished(id, Duration.ZERO).error()).isNull();
    assertThat(firstTimeBytes(Direction.QUEUED)).isEqualTo(dag.dagSize() - sizeOfFirst(3));
    assertThat(firstTimeBlocks(Direction.QUEUED)).isEqualTo(blocks.size() - 3);
    assertThat(firstTimeBytes(Direction.SENT)).isEqualTo(dag.dagSize() - sizeOfFirst(1));
    assertThat(firstTimeBlocks(Direction.SENT)).isEqualTo(blocks.size() - 1);
  }

  @Test
  void blocksQueuedBeforeARestartThatTheReceiverHoldsCountAsSentWithTheirBytes() throws Exception {
    // Issue 19's "sentBytes one block short": the engine journaled blocks 0-2 as queued and only
    // block 0 as sent, then stopped; the receiver stored all three but journaled only block 0, so
    // the restart starts at 1 and the receiver answers that it holds blocks 1 and 2. They left this
    // side before the restart: they count as sent with their bytes (the receiver counts them as
    // received with theirs), and never again as queued.
    Frame.Open open = open(request().withStartIndex(1).withCountedBlocks(3).withSentBlocks(1));
    session.inbound(new Frame.Want(id, 1, open.run(), 1, 1 << 20, false));
    for (Frame.Offer offer : session.outbound(Frame.Offer.class)) {
      BitSet held = new BitSet();
      held.set(0, 2);
      session.inbound(new Frame.Have(1, offer.firstIndex(), offer.cids().size(), held));
    }
    session.runPending();
    session.inbound(new Frame.Complete(1, blocks.size()));

    assertThat(handler.awaitFinished(id, Duration.ZERO).error()).isNull();
    assertThat(blockIndexes()).first().isEqualTo(3L);
    assertThat(firstTimeBytes(Direction.SENT)).isEqualTo(dag.dagSize() - sizeOfFirst(1));
    assertThat(firstTimeBlocks(Direction.SENT)).isEqualTo(blocks.size() - 1);
    assertThat(firstTimeBytes(Direction.QUEUED)).isEqualTo(dag.dagSize() - sizeOfFirst(3));
    assertThat(firstTimeBlocks(Direction.QUEUED)).isEqualTo(blocks.size() - 3);
  }

  @Test
  void aBlockTheReceiverHeldBeforeTheChannelCountsAsSentWithNoBytes() throws Exception {
    // A block the receiver had from elsewhere never left this side: it counts as a block moved,
    // with no bytes, in a first open as after a restart.
    Frame.Open open = open(request());
    session.inbound(new Frame.Want(id, 1, open.run(), 0, 1 << 20, false));
    for (Frame.Offer offer : session.outbound(Frame.Offer.class)) {
      BitSet held = new BitSet();
      held.set(0, 2);
      session.inbound(new Frame.Have(1, offer.firstIndex(), offer.cids().size(), held));
    }
    session.runPending();
    session.inbound(new Frame.Complete(1, blocks.size()));

    assertThat(handler.awaitFinished(id, Duration.ZERO).error()).isNull();
    assertThat(firstTimeBytes(Direction.SENT)).isEqualTo(dag.dagSize() - sizeOfFirst(2));
    assertThat(firstTimeBlocks(Direction.SENT)).isEqualTo(blocks.size());
  }

  @Test
  void theDeliveredBlocksCountAgainstTheByteLimitOfTheReopen() {
    // A paid sender allowed the bytes of the 3 held blocks holds before block 3: the receiver got
    // them, so they use the allowance; without counting them the sender would send past its limit.
    Frame.Open open = open(request().withStartIndex(3).withByteLimit(sizeOfFirst(3)));
    wantAll(1, open.run(), 3);

    assertThat(blockIndexes()).isEmpty();
    assertThat(handler.limitsReached).containsExactly(sizeOfFirst(3));
  }

  @Test
  void anOpenNotAnsweredIsSentAgainWithoutItsMessageWhenTheConnectionReturns() {
    session.disconnect();
    CompletableFuture<Void> sent = new CompletableFuture<>();
    session.openSend(request(), TransferResponse.update(1, false), sent);
    assertThat(sent).isNotDone();

    session.reconnect();

    List<Frame.Open> opens = session.outbound(Frame.Open.class);
    assertThat(sent).isCompleted();
    assertThat(opens).hasSize(2);
    assertThat(opens.get(0).message()).isNotNull();
    assertThat(opens.get(1).message()).isNull();
    assertThat(opens.get(1).run()).isEqualTo(opens.get(0).run());
  }

  @Test
  void theReceiversCompletionEndsTheSendingSide() throws Exception {
    Frame.Open open = open(request());
    wantAll(1, open.run(), 0);
    session.inbound(new Frame.Complete(1, blocks.size()));

    assertThat(handler.awaitFinished(id, Duration.ZERO))
        .isEqualTo(new RecordingHandler.Finished(true, null));
    assertThat(session.channels().send(id)).isNull();
    assertThat(handler.bytes(id, Direction.SENT)).isEqualTo(dag.dagSize());
    List<Cid> sentCids =
        session.outbound(Frame.Block.class).stream().map(Frame.Block::cid).toList();
    assertThat(sentCids).isEqualTo(blocks.stream().map(Block::cid).toList());
  }

  /**
   * A repeated open answered by closing the data side and opening it again, while the receiver
   * closed and reopened its side too: the receiver's close of the first run arrives after the new
   * run's open. It named no run, and ended the new one (both nodes then waited for each other).
   */
  @Test
  void aReceiversCloseOfTheRunBeforeTheSenderClosedAndOpenedAgainLeavesTheNewRunSending() {
    Frame.Open first = open(request());
    session.inbound(new Frame.Want(id, 1, first.run(), 0, 1 << 20, false));
    session.channels().send(id).close();
    Frame.Open second = open(request());
    session.clearOutbound();

    session.inbound(new Frame.Close(id, first.run(), ""));
    wantAll(2, second.run(), 0);

    assertThat(second.run()).isNotEqualTo(first.run());
    assertThat(session.channels().send(id)).as("the new run's sending side").isNotNull();
    assertThat(blockIndexes()).hasSize(blocks.size());
    session.inbound(new Frame.Complete(2, blocks.size()));
    assertThat(handler.finished(id))
        .isCompletedWithValue(new RecordingHandler.Finished(true, null));
  }

  @Test
  void aReceiversFailureOfTheRunBeforeAReopenDoesNotFailTheNewRun() {
    Frame.Open first = open(request());
    session.inbound(new Frame.Want(id, 1, first.run(), 0, 1 << 20, false));
    Frame.Open second = open(request());

    session.inbound(new Frame.Close(id, first.run(), "the receiving node could not store"));
    wantAll(2, second.run(), 0);

    assertThat(handler.finished(id)).isNotDone();
    assertThat(blockIndexes()).hasSize(blocks.size());
  }

  @Test
  void aCloseThatNamesTheCurrentRunOrNoRunEndsIt() {
    Frame.Open first = open(request());
    session.inbound(new Frame.Close(id, first.run(), "the receiving node could not store"));
    assertThat(handler.finished(id))
        .isCompletedWithValue(
            new RecordingHandler.Finished(
                true, "the receiving peer failed: the receiving node could not store"));

    ChannelId other = new ChannelId(Peers.ALICE, Peers.BOB, 2);
    session.openSend(
        DataRequest.of(other, Peers.ALICE, dag.root(), Selectors.all()),
        null,
        new CompletableFuture<>());
    session.inbound(new Frame.Close(other, 0, "a peer of revision 2"));
    assertThat(handler.finished(other))
        .isCompletedWithValue(
            new RecordingHandler.Finished(true, "the receiving peer failed: a peer of revision 2"));
  }

  @Test
  void theSendersClosesNameItsRun() {
    Frame.Open open = open(request());
    session.channels().send(id).close();

    assertThat(session.last(Frame.Close.class)).isEqualTo(new Frame.Close(id, open.run(), ""));
  }
}
