package io.ferry.ipld.store;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A block store in memory, for unit tests and for short-lived work such as computing a root CID
 * without keeping blocks. Not for production data: everything is lost on {@link #close()} and
 * nothing bounds its size. Thread-safe.
 */
public final class MemoryBlockStore implements BlockStore {
  private final Map<Cid, Block> blocks = new ConcurrentHashMap<>();
  private final AtomicLong sizeBytes = new AtomicLong();
  private volatile boolean closed;

  @Override
  public Optional<Block> get(Cid cid) {
    requireOpen();
    return Optional.ofNullable(blocks.get(cid));
  }

  @Override
  public boolean has(Cid cid) {
    requireOpen();
    return blocks.containsKey(cid);
  }

  @Override
  public synchronized void put(Block block) {
    requireOpen();
    if (blocks.putIfAbsent(block.cid(), block) == null) {
      sizeBytes.addAndGet(block.size());
    }
  }

  @Override
  public synchronized void putAll(List<Block> batch) {
    requireOpen();
    for (Block block : batch) {
      put(block);
    }
  }

  @Override
  public synchronized void delete(Cid cid) {
    requireOpen();
    Block removed = blocks.remove(cid);
    if (removed != null) {
      sizeBytes.addAndGet(-removed.size());
    }
  }

  @Override
  public long count() {
    requireOpen();
    return blocks.size();
  }

  @Override
  public long sizeBytes() {
    requireOpen();
    return sizeBytes.get();
  }

  @Override
  public void close() {
    closed = true;
    blocks.clear();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("block store is closed");
    }
  }
}
