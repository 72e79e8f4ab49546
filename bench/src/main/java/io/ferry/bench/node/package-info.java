/**
 * The product benchmark: real {@code ferry node run} processes with fresh homes, transfers opened
 * through the HTTP API, data in each node's LevelDB block store, journal and validators on, beside
 * the socket baselines measured in the same run ({@link io.ferry.bench.node.ProductBench}).
 */
package io.ferry.bench.node;
