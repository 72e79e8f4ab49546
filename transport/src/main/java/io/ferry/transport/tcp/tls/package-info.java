/**
 * TLS 1.3 with libp2p's peer authentication: each side presents a fresh self-signed ECDSA P-256
 * certificate whose extension (OID 1.3.6.1.4.1.53594.1.1) carries the node's Ed25519 host key and
 * its signature over the certificate's public key. The trust manager accepts exactly such
 * certificates (and, if configured, only allowlisted peers); the remote peer ID is derived from the
 * extension, never from names or certificate authorities. {@link
 * io.ferry.transport.tcp.tls.TlsStage} runs the JDK's {@code SSLEngine} inside the connection's
 * stream, a socket read and a batch of outgoing frames at a time, and checks the peer before any
 * application byte passes; it decrypts each read in place and, given a {@link
 * io.ferry.transport.tcp.tls.PlaintextLayout}, decrypts large unit bodies (block data) straight
 * into arrays of their own.
 */
package io.ferry.transport.tcp.tls;
