package io.ferry.engine.scenarios;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.ForwardingBlockStore;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A block store that, once armed, serves {@code n} more reads and then holds the next read until
 * the gate opens. Tests use it to stop a sender in the middle of a DAG deterministically (the
 * transport's worker waits, no actor does), act while the transfer is provably unfinished, then let
 * it go on.
 */
final class GatedStore extends ForwardingBlockStore {
  private final BlockStore inner;
  private final AtomicInteger remaining = new AtomicInteger(Integer.MAX_VALUE);
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final AtomicInteger waiting = new AtomicInteger();

  GatedStore(BlockStore inner) {
    this.inner = inner;
  }

  /** Serve {@code reads} more reads, then hold until {@link #open()}. */
  void holdAfter(int reads) {
    gate = new CountDownLatch(1);
    remaining.set(reads);
  }

  /** Whether a read is being held right now. */
  boolean holding() {
    return waiting.get() > 0;
  }

  void open() {
    remaining.set(Integer.MAX_VALUE);
    gate.countDown();
  }

  @Override
  public Optional<Block> get(Cid cid) {
    if (remaining.getAndDecrement() <= 0) {
      waiting.incrementAndGet();
      try {
        if (!gate.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("test gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        waiting.decrementAndGet();
      }
    }
    return inner.get(cid);
  }

  @Override
  public void close() {
    open();
    inner.close();
  }

  @Override
  protected BlockStore delegate() {
    return inner;
  }
}
