/**
 * The network transport: {@link io.ferry.transport.tcp.TcpTransport} implements the channels'
 * {@code DataTransport} over authenticated TLS 1.3 connections (one per pair of peers, carrying all
 * their channels), configured by {@link io.ferry.transport.tcp.TcpSettings}. The wire format is
 * docs/protocol.md. Its parts, by job: {@code tcp.link} (one peer: its connections and the session
 * actor that runs its channels), {@code tcp.channel} (one channel's sending or receiving side, as a
 * state machine driven by its session), {@code tcp.flow} (rate limits, budgets and send slots
 * shared by the peers), {@code tcp.frame} (byte layouts) and {@code tcp.tls} (certificates and the
 * TLS stage).
 *
 * <p>Threading model. Each peer has one session actor ({@code link.PeerSession}); everything about
 * that peer runs on it, one message at a time: the engine's calls on the transport (turned into
 * {@code SessionCommand}s, in the caller's order), every inbound frame (acknowledged after it was
 * handled, which is the backpressure towards the socket), timers, and the results of work done
 * elsewhere. The channel state machines ({@code channel.SendChannel}, {@code
 * channel.ReceiveChannel}) are plain objects confined to their session's thread and reach the world
 * only through {@code channel.SessionIo}: block store reads and writes run on Pekko's blocking
 * dispatcher and come back as a message to the session; block hashes are checked on the transport's
 * hashing pool before the frame reaches the session; the TLS stage, framing and socket I/O run in
 * each connection's Pekko stream. Shared state across sessions is limited to the thread-safe pieces
 * of {@code tcp.flow} and the transport's maps of sessions and open channels. Handler callbacks
 * ({@code TransportHandler}) are made on session threads and must return quickly.
 */
package io.ferry.transport.tcp;
