/**
 * An in-JVM transport: {@link io.ferry.transport.local.LocalNetwork} connects any number of {@link
 * io.ferry.transport.local.LocalTransport}s, which move real blocks from a real block store in
 * traversal order, verify and store them on arrival, report progress in batches and honour skips,
 * byte limits, pauses and closes. For tests, the demo and single-process embedding.
 */
package io.ferry.transport.local;
