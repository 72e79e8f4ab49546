/**
 * One peer, as the transport sees it: {@link io.ferry.transport.tcp.link.PeerSession}, the actor
 * that owns everything about the peer (its messages, its channels, its limits), and {@link
 * io.ferry.transport.tcp.link.PeerLink}, the connection in use with dialing, redial backoff,
 * duplicate connections and messages waiting for a connection. {@link
 * io.ferry.transport.tcp.link.Connector} listens and dials, runs each connection as a Pekko stream
 * (TLS stage, frame decoder, hashing of block frames) and feeds its frames to the session, which
 * acknowledges each one after handling it. Internal to the transport: public only so that the
 * transport's packages can reach each other.
 */
package io.ferry.transport.tcp.link;
