/**
 * Durable block storage: {@link io.ferry.persistence.blocks.LevelDbBlockStore}, the node's local
 * block store in native LevelDB, implementing the {@code io.ferry.ipld.store.BlockStore} interface
 * and held to its contract test; the bodies of large blocks live outside LevelDB in an append-only
 * value log ({@code ValueLog}, segment files that LevelDB's {@code ValuePointer}s point into), and
 * {@code StoreStats} keeps the key layout and the persisted block count.
 */
package io.ferry.persistence.blocks;
