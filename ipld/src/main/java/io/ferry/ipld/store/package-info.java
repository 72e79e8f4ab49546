/**
 * The block store interface every part of Ferry reads and writes blocks through, an in-memory
 * implementation for tests, and {@code ForwardingBlockStore}, the base of wrappers that change one
 * thing about another store. The durable LevelDB implementation lives in the persistence module;
 * all are held to the same contract test, {@code BlockStoreContract}, shipped in this module's
 * test-jar.
 */
package io.ferry.ipld.store;
