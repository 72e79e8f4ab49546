/**
 * One channel's data movement on one node, as two state machines run by the peer session: {@link
 * io.ferry.transport.tcp.channel.SendChannel} (the engine's open becomes an OPEN frame; it answers
 * only the WANT of that open, then offers, sends within credit, limits and pauses) and {@link
 * io.ferry.transport.tcp.channel.ReceiveChannel} (it asks only in answer to the sender's OPEN,
 * checks every block against the traversal, stores in batches and returns credit). They touch the
 * world only through {@link io.ferry.transport.tcp.channel.SessionIo}, so they are unit-tested on a
 * socket-free double. {@link io.ferry.transport.tcp.channel.ChannelFrames} routes a session's
 * inbound frames to them. Everything here is confined to the owning session's thread. Internal to
 * the transport: public only so that the transport's packages can reach each other.
 */
package io.ferry.transport.tcp.channel;
