package io.ferry.ipld.store;

class MemoryBlockStoreTest extends BlockStoreContract {
  @Override
  protected BlockStore open() {
    return new MemoryBlockStore();
  }
}
