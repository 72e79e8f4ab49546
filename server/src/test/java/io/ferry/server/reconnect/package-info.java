/**
 * Two real nodes over TCP whose connection breaks for good or for a while: stalled channels show it
 * in their state, restart by themselves with backoff or at once when the peer is back, and give up
 * after the configured number of attempts.
 */
package io.ferry.server.reconnect;
