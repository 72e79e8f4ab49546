package io.ferry.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestDags;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.DataTransport;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.ipld.unixfs.ImportResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DataTransport} must do, whatever carries the bytes. A subclass connects two
 * transports over its medium; the tests move real UnixFS DAGs between them.
 */
public abstract class DataTransportContract {
  protected static final Duration WAIT = Duration.ofSeconds(20);

  /** Two connected transports: {@code a} and {@code b}, each with its own block store. */
  public record Pair(DataTransport a, DataTransport b) {}

  /** Connects two fresh transports over the medium under test, using the given stores. */
  protected abstract Pair connect(BlockStore storeA, BlockStore storeB) throws Exception;

  /** Cuts the connection between the two transports of the last {@link #connect} call. */
  protected abstract void dropConnection() throws Exception;

  /** Closes what {@link #connect} opened. */
  protected abstract void disconnectAll() throws Exception;

  protected final BlockStore storeA = new MemoryBlockStore();
  protected final BlockStore storeB = new MemoryBlockStore();
  protected final Recorder onA = new Recorder();
  protected final Recorder onB = new Recorder();

  @AfterEach
  void tearDown() throws Exception {
    disconnectAll();
  }

  private Pair bound() throws Exception {
    Pair p = connect(storeA, storeB);
    p.a().bind(onA);
    p.b().bind(onB);
    return p;
  }

  @Test
  void messagesArriveInOrderNamingTheirSender() throws Exception {
    Pair p = bound();
    for (int i = 0; i < 20; i++) {
      p.a().send(p.b().self(), TransferRequest.update(i, i % 2 == 0));
    }
    p.a()
        .send(p.b().self(), TransferRequest.cancel(99))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    Poll.until(WAIT, "21 messages", () -> onB.messages.size() == 21);
    assertThat(onB.messages).allSatisfy(m -> assertThat(m.from()).isEqualTo(p.a().self()));
    assertThat(
            onB.messages.stream().map(m -> m.message().transferId()).collect(Collectors.toList()))
        .startsWith(0L, 1L, 2L, 3L)
        .endsWith(19L, 99L);
  }

  @Test
  void aMessageToAnUnknownPeerFails() throws Exception {
    Pair p = bound();
    PeerId stranger = io.ferry.channels.testing.Peers.peer(77);

    CompletableFuture<Void> sent =
        p.a().send(stranger, TransferRequest.cancel(1)).toCompletableFuture();

    assertThat(sent).failsWithin(WAIT);
  }

  @Test
  void blocksMoveInTraversalOrderVerifiedAndStoredWithBatchedProgress() throws Exception {
    Pair p = bound();
    ImportResult dag = TestDags.file(storeA, 300_000, 4096, 1);
    ChannelId id = new ChannelId(p.b().self(), p.a().self(), 1);

    long held = receive(p.b(), id, p.a().self(), dag.root(), 0);
    p.a().openSend(request(id, p.b().self(), dag.root(), 0, 0, 0), null);

    onA.awaitFinished(id);
    onB.awaitFinished(id);
    assertThat(held).isZero();
    assertThat(onA.errors(id)).isEmpty();
    assertThat(onB.errors(id)).isEmpty();
    List<Cid> order =
        Traversal.walk(storeA, dag.root(), Selectors.all())
            .map(Block::cid)
            .collect(Collectors.toList());
    assertThat(order).allSatisfy(cid -> assertThat(storeB.has(cid)).isTrue());
    assertThat(onB.total(id, Direction.RECEIVED)).isEqualTo(order.size());
    assertThat(onB.totalBytes(id, Direction.RECEIVED)).isEqualTo(dag.dagSize());
    assertThat(onA.totalBytes(id, Direction.SENT)).isEqualTo(dag.dagSize());
    assertThat(onA.totalBytes(id, Direction.QUEUED)).isEqualTo(dag.dagSize());
    assertThat(onB.batches(id, Direction.RECEIVED)).hasSizeLessThan(order.size());
    assertThat(onB.last(id, Direction.RECEIVED).nextIndex()).isEqualTo(order.size());
  }

  @Test
  void aReceiverThatHoldsAPrefixIsSentOnlyTheRestAndCountsRepeatsOnce() throws Exception {
    ImportResult dag = TestDags.file(storeA, 200_000, 4096, 2);
    List<Block> blocks =
        Traversal.walk(storeA, dag.root(), Selectors.all()).collect(Collectors.toList());
    storeB.putAll(blocks.subList(0, 10));
    Pair p = bound();
    ChannelId id = new ChannelId(p.b().self(), p.a().self(), 2);

    long held = receive(p.b(), id, p.a().self(), dag.root(), 8);
    assertThat(held).isEqualTo(10);
    p.a().openSend(request(id, p.b().self(), dag.root(), 8, 9, 0), null);

    onB.awaitFinished(id);
    onA.awaitFinished(id);
    long rest = blocks.size() - 8;
    assertThat(onB.total(id, Direction.RECEIVED)).isEqualTo(rest);
    assertThat(onB.firstTime(id, Direction.RECEIVED)).isEqualTo(blocks.size() - 8);
    assertThat(onB.firstTimeBytes(id, Direction.RECEIVED))
        .as("blocks 8 and 9 were held but not counted yet: they count with their bytes")
        .isEqualTo(blocks.subList(8, blocks.size()).stream().mapToLong(Block::size).sum());
    assertThat(onA.firstTime(id, Direction.SENT)).isEqualTo(blocks.size() - 9);
    assertThat(blocks).allSatisfy(b -> assertThat(storeB.has(b.cid())).isTrue());
  }

  @Test
  void theSenderHoldsBeforeTheBlockThatWouldCrossItsByteLimitUntilTheLimitIsRaised()
      throws Exception {
    Pair p = bound();
    ImportResult dag = TestDags.file(storeA, 200_000, 4096, 3);
    ChannelId id = new ChannelId(p.b().self(), p.a().self(), 3);
    receive(p.b(), id, p.a().self(), dag.root(), 0);

    p.a().openSend(request(id, p.b().self(), dag.root(), 0, 0, 50_000), null);

    long atLimit = onA.awaitLimit(id, 1);
    assertThat(atLimit).isLessThanOrEqualTo(50_000).isGreaterThan(50_000 - 5_000);
    assertThat(atLimit + onA.heldBlock(id)).as("with the block held back").isGreaterThan(50_000);
    assertThat(onA.totalBytes(id, Direction.QUEUED)).isEqualTo(atLimit);
    assertThat(onB.finished(id)).isFalse();

    p.a().setByteLimit(id, DataRequest.NO_LIMIT);
    onB.awaitFinished(id);
    assertThat(onB.totalBytes(id, Direction.RECEIVED)).isEqualTo(dag.dagSize());
  }

  @Test
  void aSenderReopenedByARestartCountsItsByteLimitFromTheReopen() throws Exception {
    // The engine's limit is what the sender may queue for the first time since it was opened. A
    // sender that kept its count from before a restart held back at once, for good.
    Pair p = bound();
    ImportResult dag = TestDags.file(storeA, 300_000, 4096, 8);
    ChannelId id = new ChannelId(p.b().self(), p.a().self(), 8);
    receive(p.b(), id, p.a().self(), dag.root(), 0);
    p.a().openSend(request(id, p.b().self(), dag.root(), 0, 0, 50_000), null);
    assertThat(onA.awaitLimit(id, 1)).isGreaterThan(50_000 - 5_000);
    long counted = onA.firstTime(id, Direction.QUEUED);

    receive(p.b(), id, p.a().self(), dag.root(), counted);
    p.a().openSend(request(id, p.b().self(), dag.root(), counted, counted, 50_000), null);

    assertThat(onA.awaitLimit(id, 2))
        .as("first-time bytes queued after the reopen")
        .isLessThanOrEqualTo(50_000)
        .isGreaterThan(50_000 - 5_000);
    assertThat(onA.firstTimeBytes(id, Direction.QUEUED)).isGreaterThan(100_000 - 10_000);
    assertThat(onB.finished(id)).isFalse();
    p.a().setByteLimit(id, DataRequest.NO_LIMIT);
    onB.awaitFinished(id);
    assertThat(onA.firstTimeBytes(id, Direction.QUEUED)).isEqualTo(dag.dagSize());
  }

  @Test
  void aSenderHeldAtItsLimitMovesOnWhenReopenedAfterTheReceiverReopened() throws Exception {
    // A restart reopens the receiver first, and all it sent since has been handled when the
    // sender reopens. The receiver asks for the new run only in answer to the sender's reopen,
    // which must let the sender move on with its new limit (before the one open protocol, the
    // receiver's early want found the sender held at its old limit, and both sides waited).
    Pair p = bound();
    ImportResult dag = TestDags.file(storeA, 300_000, 4096, 11);
    ChannelId id = new ChannelId(p.b().self(), p.a().self(), 11);
    receive(p.b(), id, p.a().self(), dag.root(), 0);
    p.a().openSend(request(id, p.b().self(), dag.root(), 0, 0, 50_000), null);
    onA.awaitLimit(id, 1);
    long counted = onA.firstTime(id, Direction.QUEUED);

    receive(p.b(), id, p.a().self(), dag.root(), counted);
    // the want is handled, and the offers and answers it starts have crossed, before the reopen
    roundTripsFromB(p, 1);
    roundTrips(p, 2);
    roundTripsFromB(p, 2);
    p.a().openSend(request(id, p.b().self(), dag.root(), counted, counted, 50_000), null);

    assertThat(onA.awaitLimit(id, 2))
        .as("first-time bytes queued after the reopen")
        .isGreaterThan(50_000 - 5_000);
    p.a().setByteLimit(id, DataRequest.NO_LIMIT);
    onB.awaitFinished(id);
    assertThat(onA.firstTimeBytes(id, Direction.QUEUED)).isEqualTo(dag.dagSize());
  }

  @Test
  void aSenderAllowedNoNewBytesResendsOnlyTheBlocksItCountedThenHoldsUntilRaised()
      throws Exception {
    ImportResult dag = TestDags.file(storeA, 200_000, 4096, 7);
    List<Block> blocks =
        Traversal.walk(storeA, dag.root(), Selectors.all()).collect(Collectors.toList());
    storeB.putAll(blocks.subList(0, 4));
    Pair p = bound();
    ChannelId id = new ChannelId(p.b().self(), p.a().self(), 7);
    assertThat(receive(p.b(), id, p.a().self(), dag.root(), 4)).isEqualTo(4);

    p.a().openSend(repeatsOnly(id, p.b().self(), dag.root(), 4, 12), null);

    assertThat(onA.awaitLimit(id, 1)).isZero();
    long repeatBytes = blocks.subList(4, 12).stream().mapToLong(Block::size).sum();
    assertThat(onA.total(id, Direction.QUEUED)).isEqualTo(8);
    assertThat(onA.totalBytes(id, Direction.QUEUED)).isEqualTo(repeatBytes);
    assertThat(onA.firstTime(id, Direction.QUEUED)).isZero();
    assertThat(onB.finished(id)).isFalse();

    p.a().setByteLimit(id, DataRequest.NO_LIMIT);
    onB.awaitFinished(id);
    onA.awaitFinished(id);
    assertThat(onA.firstTime(id, Direction.QUEUED)).isEqualTo(blocks.size() - 12);
    assertThat(blocks).allSatisfy(b -> assertThat(storeB.has(b.cid())).isTrue());
  }

  @Test
  void aSenderPausedOnItsSideStartsUnpausedWhenReopenedForRepeatsOnly() throws Exception {
    // A responder paused for payment reopens (a restart) allowed repeats only: it must go
    // through the blocks it counted (resending those the receiver lost), then hold at its limit.
    // A pause kept from before the reopen held it silent, and both sides waited for the other.
    Pair p = bound();
    ImportResult dag = TestDags.file(storeA, 200_000, 4096, 9);
    ChannelId id = new ChannelId(p.b().self(), p.a().self(), 9);
    receive(p.b(), id, p.a().self(), dag.root(), 0);
    p.a().openSend(request(id, p.b().self(), dag.root(), 0, 0, 40_000), null);
    onA.awaitLimit(id, 1);
    p.a().pause(id);
    long counted = onA.firstTime(id, Direction.QUEUED);

    receive(p.b(), id, p.a().self(), dag.root(), counted);
    p.a().openSend(repeatsOnly(id, p.b().self(), dag.root(), 0, counted), null);

    assertThat(onA.awaitLimit(id, 2)).as("new bytes queued after the reopen").isZero();
    assertThat(onA.firstTime(id, Direction.QUEUED)).isEqualTo(counted);
    assertThat(onB.finished(id)).isFalse();
  }

  @Test
  void aPauseGivenBeforeAnOpenDoesNotOutliveIt() throws Exception {
    // Between a restart's close and its reopen the engine can pause the channel (the payment
    // due at the limit). The open carries the engine's whole decision: this one, unpaused and
    // allowed repeats only, resends them and holds before the first new block.
    Pair p = bound();
    ImportResult dag = TestDags.file(storeA, 200_000, 4096, 10);
    List<Block> blocks =
        Traversal.walk(storeA, dag.root(), Selectors.all()).collect(Collectors.toList());
    ChannelId id = new ChannelId(p.b().self(), p.a().self(), 10);
    receive(p.b(), id, p.a().self(), dag.root(), 12);

    p.a().pause(id);
    p.a().openSend(repeatsOnly(id, p.b().self(), dag.root(), 0, 12), null);

    assertThat(onA.awaitLimit(id, 1)).isZero();
    assertThat(onA.total(id, Direction.QUEUED)).isEqualTo(12);
    assertThat(onA.firstTime(id, Direction.QUEUED)).isZero();
    Poll.until(WAIT, "the 12 repeats stored", () -> storeB.has(blocks.get(11).cid()));
    assertThat(storeB.has(blocks.get(12).cid())).isFalse();
  }

  @Test
  void theMessageSentWithAnOpenReachesThePeerBeforeAnyOfTheChannelsData() throws Exception {
    Pair p = bound();
    ImportResult dag = TestDags.file(storeA, 100_000, 4096, 12);
    ChannelId id = new ChannelId(p.b().self(), p.a().self(), 12);
    receive(p.b(), id, p.a().self(), dag.root(), 0);
    List<Integer> progressWhenTheMessageArrived = new CopyOnWriteArrayList<>();
    onB.onEachMessage = () -> progressWhenTheMessageArrived.add(onB.progress.size());

    p.a()
        .openSend(request(id, p.b().self(), dag.root(), 0, 0, 0), TransferRequest.update(12, false))
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);

    onB.awaitFinished(id);
    assertThat(onB.messages)
        .singleElement()
        .satisfies(m -> assertThat(m.message()).isEqualTo(TransferRequest.update(12, false)));
    assertThat(progressWhenTheMessageArrived).containsExactly(0);
    assertThat(onB.totalBytes(id, Direction.RECEIVED)).isEqualTo(dag.dagSize());
  }

  @Test
  void aSenderOpenedPausedMovesNothingUntilResumed() throws Exception {
    Pair p = bound();
    ImportResult dag = TestDags.file(storeA, 100_000, 4096, 13);
    ChannelId id = new ChannelId(p.b().self(), p.a().self(), 13);
    receive(p.b(), id, p.a().self(), dag.root(), 0);

    p.a().openSend(request(id, p.b().self(), dag.root(), 0, 0, 0).withPaused(true), null);
    roundTrips(p, 2);
    roundTripsFromB(p, 2);

    assertThat(onA.total(id, Direction.QUEUED)).isZero();
    assertThat(onB.total(id, Direction.RECEIVED)).isZero();
    p.a().resume(id);
    onB.awaitFinished(id);
    assertThat(onB.totalBytes(id, Direction.RECEIVED)).isEqualTo(dag.dagSize());
  }

  @Test
  void aPauseOnTheReceivingSideHoldsTheSenderUntilResumed() throws Exception {
    Pair p = bound();
    ImportResult dag = TestDags.file(storeA, 100_000, 4096, 4);
    ChannelId id = new ChannelId(p.b().self(), p.a().self(), 4);
    receive(p.b(), id, p.a().self(), dag.root(), 0);
    p.b().pause(id);

    p.a().openSend(request(id, p.b().self(), dag.root(), 0, 0, 0), null);
    roundTrips(p, 2);

    assertThat(onB.total(id, Direction.RECEIVED)).isZero();
    p.b().resume(id);
    onB.awaitFinished(id);
    assertThat(onB.totalBytes(id, Direction.RECEIVED)).isEqualTo(dag.dagSize());
  }

  @Test
  void aBlockThatDoesNotMatchItsCidFailsTheReceiverNamingIt() throws Exception {
    ImportResult dag = TestDags.file(storeA, 50_000, 4096, 5);
    List<Block> blocks =
        Traversal.walk(storeA, dag.root(), Selectors.all()).collect(Collectors.toList());
    Block victim = blocks.get(3);
    byte[] corrupt = victim.data().clone();
    corrupt[0] ^= 1;
    BlockStore lying = new MemoryBlockStore();
    for (Block b : blocks) {
      lying.put(b == victim ? Block.trusted(b.cid(), corrupt) : b);
    }
    Pair p = connect(lying, storeB);
    p.a().bind(onA);
    p.b().bind(onB);
    ChannelId id = new ChannelId(p.b().self(), p.a().self(), 5);
    receive(p.b(), id, p.a().self(), dag.root(), 0);

    p.a().openSend(request(id, p.b().self(), dag.root(), 0, 0, 0), null);

    onB.awaitFinished(id);
    assertThat(onB.errors(id)).singleElement().asString().contains(victim.cid().toString());
    assertThat(storeB.has(victim.cid())).isFalse();
    onA.awaitFinished(id);
    assertThat(onA.errors(id)).isNotEmpty();
  }

  @Test
  void aDroppedConnectionIsReportedOnBothSides() throws Exception {
    Pair p = bound();

    dropConnection();

    Poll.until(WAIT, "a hears of the drop", () -> onA.lost.contains(p.b().self()));
    Poll.until(WAIT, "b hears of the drop", () -> onB.lost.contains(p.a().self()));
    assertThat(p.a().send(p.b().self(), TransferRequest.cancel(1)).toCompletableFuture())
        .failsWithin(WAIT);
  }

  // ---- helpers ----

  /** A request from {@code start}, {@code counted} blocks counted, {@code limit} (0: none). */
  private static DataRequest request(
      ChannelId id, PeerId peer, Cid root, long start, long counted, long limit) {
    return DataRequest.of(id, peer, root, Selectors.all())
        .withStartIndex(start)
        .withCountedBlocks(counted)
        .withByteLimit(limit == 0 ? DataRequest.NO_LIMIT : limit);
  }

  /** A request allowed repeats only: no first-time bytes. */
  private static DataRequest repeatsOnly(
      ChannelId id, PeerId peer, Cid root, long start, long counted) {
    return request(id, peer, root, start, counted, 0).withByteLimit(0);
  }

  private static long receive(DataTransport t, ChannelId id, PeerId from, Cid root, long counted)
      throws Exception {
    return t.openReceive(request(id, from, root, 0, counted, 0))
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  /** Sends messages a → b and waits for each, so anything a queued before has been handled. */
  private void roundTrips(Pair p, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      int before = onB.messages.size();
      p.a()
          .send(p.b().self(), TransferRequest.update(1000 + i, false))
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      Poll.until(WAIT, "round trip", () -> onB.messages.size() > before);
    }
  }

  /** Sends messages b → a and waits for each, so anything b queued before has been handled. */
  private void roundTripsFromB(Pair p, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      int before = onA.messages.size();
      p.b()
          .send(p.a().self(), TransferRequest.update(2000 + i, false))
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      Poll.until(WAIT, "round trip", () -> onA.messages.size() > before);
    }
  }

  /** Records what a transport reports. */
  protected static final class Recorder implements TransportHandler {
    record Message(PeerId from, TransferMessage message) {}

    record Progress(ChannelId id, DataProgress progress) {}

    record Finished(ChannelId id, boolean sender, String error) {}

    final List<Message> messages = new CopyOnWriteArrayList<>();
    final List<Progress> progress = new CopyOnWriteArrayList<>();
    final List<Finished> finishedList = new CopyOnWriteArrayList<>();
    final List<long[]> limits = new CopyOnWriteArrayList<>();
    final List<PeerId> connected = new CopyOnWriteArrayList<>();
    final List<PeerId> lost = new CopyOnWriteArrayList<>();

    /** Runs as each message is recorded (on the transport's thread). */
    volatile Runnable onEachMessage = () -> {};

    @Override
    public void onMessage(PeerId from, TransferMessage message) {
      onEachMessage.run();
      messages.add(new Message(from, message));
    }

    @Override
    public void onProgress(ChannelId channelId, DataProgress p) {
      progress.add(new Progress(channelId, p));
    }

    @Override
    public void onDataLimitReached(ChannelId channelId, long bytesQueued) {
      limits.add(new long[] {channelId.transferId(), bytesQueued, 0});
    }

    @Override
    public void onDataHeld(ChannelId channelId, long bytesQueued, long nextBlockBytes) {
      limits.add(new long[] {channelId.transferId(), bytesQueued, nextBlockBytes});
    }

    /** The size of the block the last hold of {@code id} held back. */
    long heldBlock(ChannelId id) {
      return limits.stream().filter(l -> l[0] == id.transferId()).reduce((a, b) -> b).get()[2];
    }

    @Override
    public void onDataFinished(ChannelId channelId, boolean sender, String error) {
      finishedList.add(new Finished(channelId, sender, error));
    }

    @Override
    public void onPeerConnected(PeerId peer) {
      connected.add(peer);
    }

    @Override
    public void onPeerDisconnected(PeerId peer, String reason) {
      lost.add(peer);
    }

    List<DataProgress> batches(ChannelId id, Direction d) {
      return progress.stream()
          .filter(p -> p.id().equals(id) && p.progress().direction() == d)
          .map(Progress::progress)
          .collect(Collectors.toList());
    }

    DataProgress last(ChannelId id, Direction d) {
      List<DataProgress> all = batches(id, d);
      return all.get(all.size() - 1);
    }

    long total(ChannelId id, Direction d) {
      return batches(id, d).stream().mapToLong(DataProgress::blocks).sum();
    }

    long totalBytes(ChannelId id, Direction d) {
      return batches(id, d).stream().mapToLong(DataProgress::bytes).sum();
    }

    long firstTime(ChannelId id, Direction d) {
      return batches(id, d).stream().mapToLong(DataProgress::firstTimeBlocks).sum();
    }

    long firstTimeBytes(ChannelId id, Direction d) {
      return batches(id, d).stream().mapToLong(DataProgress::firstTimeBytes).sum();
    }

    boolean finished(ChannelId id) {
      return finishedList.stream().anyMatch(f -> f.id().equals(id));
    }

    public List<String> errors(ChannelId id) {
      return finishedList.stream()
          .filter(f -> f.id().equals(id) && f.error() != null)
          .map(Finished::error)
          .collect(Collectors.toList());
    }

    void awaitFinished(ChannelId id) {
      Poll.until(WAIT, "data of " + id + " finished", () -> finished(id));
    }

    long awaitLimit(ChannelId id, int count) {
      Poll.until(
          WAIT,
          "data limit of " + id,
          () -> limits.stream().filter(l -> l[0] == id.transferId()).count() >= count);
      Optional<long[]> last =
          limits.stream().filter(l -> l[0] == id.transferId()).reduce((a, b) -> b);
      return last.get()[1];
    }
  }
}
