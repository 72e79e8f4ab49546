/**
 * Ferry's wire format between two authenticated nodes (docs/protocol.md): a handshake, then
 * length-prefixed frames of a few kinds: control messages (go-data-transfer's {@code
 * TransferMessage} as CBOR), blocks (channel reference, traversal index, CID, data) and the small
 * flow-control frames (want, credit, have, skip, done, pause, resume, ack, close, ping, go-away).
 * Pure encoding and decoding with clear errors for malformed or oversized input; no I/O here.
 * {@link io.ferry.transport.tcp.frame.FrameLayout} tells the TLS stage where block data starts and
 * ends, so that it lands in an array of its own.
 */
package io.ferry.transport.tcp.frame;
