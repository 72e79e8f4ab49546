/**
 * A whole node as a server process: {@link io.ferry.server.RunningNode} is the composition root
 * that creates the one actor system and starts the block store, the TCP transport, the engine's
 * {@link io.ferry.engine.FerryNode}, payments, metrics, retention, the HTTP API and the gateway on
 * it, from a {@link io.ferry.server.config.FerryConfig}.
 */
package io.ferry.server;
