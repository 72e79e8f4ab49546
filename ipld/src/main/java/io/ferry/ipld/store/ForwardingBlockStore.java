package io.ferry.ipld.store;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A block store that forwards every call to another. A wrapper that changes one thing (a test's
 * store that corrupts or holds reads, the bench's store replaced between pulls) extends this and
 * overrides only that, so it never answers a call with {@link BlockStore}'s default where the store
 * it wraps has its own (such as {@link #sizeOf}).
 */
public abstract class ForwardingBlockStore implements BlockStore {

  /** The store calls go to; it may be a different one from call to call. */
  protected abstract BlockStore delegate();

  @Override
  public Optional<Block> get(Cid cid) {
    return delegate().get(cid);
  }

  @Override
  public boolean has(Cid cid) {
    return delegate().has(cid);
  }

  @Override
  public OptionalLong sizeOf(Cid cid) {
    return delegate().sizeOf(cid);
  }

  @Override
  public void put(Block block) {
    delegate().put(block);
  }

  @Override
  public void putAll(List<Block> blocks) {
    delegate().putAll(blocks);
  }

  @Override
  public void delete(Cid cid) {
    delegate().delete(cid);
  }

  @Override
  public long count() {
    return delegate().count();
  }

  @Override
  public long sizeBytes() {
    return delegate().sizeBytes();
  }

  @Override
  public void close() {
    delegate().close();
  }
}
