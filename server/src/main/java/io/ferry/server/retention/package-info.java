/**
 * How long a node keeps finished channels. {@link io.ferry.server.retention.RetentionPolicy}
 * decides, as a pure function of the channels and the clock, which terminal channels have been kept
 * long enough (older than {@code ferry.retention.keep-for}, or beyond the newest {@code
 * keep-count}); {@link io.ferry.server.retention.RetentionSweeper} applies it every {@code
 * sweep-interval} and on demand, purging each channel's journal and index entry through the node.
 */
package io.ferry.server.retention;
