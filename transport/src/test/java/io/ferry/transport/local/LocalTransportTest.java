package io.ferry.transport.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestDags;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.ForwardingBlockStore;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.transport.DataTransportContract;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The in-JVM transport, held to the transport contract (small batches, so DAGs span many). */
class LocalTransportTest extends DataTransportContract {
  private LocalNetwork network;

  @Override
  protected Pair connect(BlockStore storeA, BlockStore storeB) {
    network = new LocalNetwork(new BatchPolicy(8, 1 << 20), 2);
    return new Pair(network.join(Peers.ALICE, storeA), network.join(Peers.BOB, storeB));
  }

  @Override
  protected void dropConnection() {
    network.disconnect(Peers.BOB);
  }

  @Override
  protected void disconnectAll() {
    if (network != null) {
      network.close();
    }
  }

  @Test
  void aReadThatFailsWhileTheSenderStopsIsNotReportedToThePeerAsAFailure() throws Exception {
    // A stopping node closes its transport and then its store; a read already under way then
    // fails ("block store ... is closed"), possibly after the node has started again. The peer
    // must see the node go, not the channel fail: a failure would end the channel for good
    // instead of letting it restart.
    StoppingStore store = new StoppingStore(new MemoryBlockStore());
    ImportResult dag = TestDags.file(store, 100_000, 4096, 5);
    LocalNetwork net = new LocalNetwork(new BatchPolicy(1, 1 << 20), 2);
    try {
      LocalTransport a = net.join(Peers.ALICE, store);
      LocalTransport b = net.join(Peers.BOB, new MemoryBlockStore());
      a.bind(onA);
      b.bind(onB);
      ChannelId id = new ChannelId(b.self(), a.self(), 1);
      b.openReceive(DataRequest.of(id, a.self(), dag.root(), Selectors.all()))
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      store.holdAfter(3);
      a.openSend(DataRequest.of(id, b.self(), dag.root(), Selectors.all()), null);
      Poll.until(WAIT, "a read held mid-DAG", store::holding);

      a.close();
      LocalTransport again =
          net.join(Peers.ALICE, new MemoryBlockStore()); // back before the read ends
      b.openReceive(DataRequest.of(id, a.self(), dag.root(), Selectors.all()))
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS); // and b asks again, as a restart does
      store.failHeldRead();
      // Two barriers: a's inbox has run the failed read to its end (and sent whatever it sends),
      // then b's inbox has handled everything it got before this message.
      a.openReceive(
              DataRequest.of(
                  new ChannelId(b.self(), a.self(), 2), b.self(), dag.root(), Selectors.all()))
          .handle((held, error) -> null)
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      again
          .send(b.self(), TransferRequest.update(1, false))
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);

      assertThat(store.failed()).as("the held read failed").isTrue();
      assertThat(onB.errors(id)).isEmpty();
    } finally {
      net.close();
    }
  }

  /** Serves some reads, holds the next one, then fails it as a store closed under it does. */
  private static final class StoppingStore extends ForwardingBlockStore {
    private final BlockStore inner;
    private final AtomicInteger remaining = new AtomicInteger(Integer.MAX_VALUE);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean holding = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();

    StoppingStore(BlockStore inner) {
      this.inner = inner;
    }

    void holdAfter(int reads) {
      remaining.set(reads);
    }

    boolean holding() {
      return holding.get();
    }

    boolean failed() {
      return failed.get();
    }

    void failHeldRead() {
      release.countDown();
    }

    @Override
    public Optional<Block> get(Cid cid) {
      if (remaining.getAndDecrement() > 0) {
        return inner.get(cid);
      }
      holding.set(true);
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      failed.set(true);
      throw new IllegalStateException("block store at /test is closed");
    }

    @Override
    protected BlockStore delegate() {
      return inner;
    }
  }
}
