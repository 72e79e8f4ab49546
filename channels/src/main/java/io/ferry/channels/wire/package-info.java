/**
 * The seam between channels and transports: the data-transfer control messages exchanged by two
 * peers, and the {@link io.ferry.channels.wire.DataTransport} interface a transport implements to
 * move a channel's blocks and report progress in batches.
 */
package io.ferry.channels.wire;
