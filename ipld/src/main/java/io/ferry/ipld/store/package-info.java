/**
 * The block store interface every part of Ferry reads and writes blocks through, and an in-memory
 * implementation for tests. The durable LevelDB implementation lives in the persistence module;
 * both are held to the same contract test, {@code BlockStoreContract}, shipped in this module's
 * test-jar.
 */
package io.ferry.ipld.store;
