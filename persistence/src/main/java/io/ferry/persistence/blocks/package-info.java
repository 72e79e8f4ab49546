/**
 * Durable block storage: {@link io.ferry.persistence.blocks.LevelDbBlockStore}, the node's local
 * block store in native LevelDB, implementing the {@code io.ferry.ipld.store.BlockStore} interface
 * and held to its contract test.
 */
package io.ferry.persistence.blocks;
