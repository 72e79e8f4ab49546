/**
 * Transport tests across operating-system processes: {@link
 * io.ferry.transport.tcp.process.TransportPeerMain} runs one node (a TCP transport over a LevelDB
 * block store, driven by a minimal stand-in for the channel engine) in its own JVM, and the tests
 * drive several of them on 127.0.0.1 through their standard input and output.
 */
package io.ferry.transport.tcp.process;
