/**
 * The read side of the IPFS Trustless Gateway over a local block store, free of HTTP: resolving a
 * content path through dag-pb directories, HAMT shards and dag-cbor/dag-json documents ({@link
 * io.ferry.ipld.trustless.PathResolver}), the {@code dag-scope} and {@code entity-bytes} request
 * parameters ({@link io.ferry.ipld.trustless.DagScope}, {@link
 * io.ferry.ipld.trustless.EntityBytes}) and the lazy depth-first walk that yields the blocks of a
 * CAR response one at a time ({@link io.ferry.ipld.trustless.DagWalk}), with or without duplicates.
 */
package io.ferry.ipld.trustless;
