/**
 * How the node tests' real nodes reach each other: a {@link io.ferry.engine.testing.TestNetwork} is
 * either the in-JVM local network or the TCP transport (TLS 1.3 on 127.0.0.1, each node's transport
 * on its own actor system), so one scenario runs over both.
 */
package io.ferry.engine.testing;
