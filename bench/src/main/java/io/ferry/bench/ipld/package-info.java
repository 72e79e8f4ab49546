/**
 * Benchmarks of the content-addressing layer: UnixFS import throughput against the machine's own
 * {@code sha256sum} of the same bytes, with and without a LevelDB block store behind it.
 */
package io.ferry.bench.ipld;
