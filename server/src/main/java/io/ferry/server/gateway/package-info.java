/**
 * The IPFS Trustless Gateway a node serves when {@code ferry.gateway.listen} is set: read-only HTTP
 * on its own listener (no token), answering {@code GET}/{@code HEAD /ipfs/{cid}[/path]} with raw
 * blocks and CAR streams read lazily from the block store, and {@code GET
 * /routing/v1/providers/{cid}} with this node as a provider of the blocks it holds (Delegated
 * Routing V1), behind per-client rate limits and a cap on concurrent responses. docs/gateway.md
 * describes what it serves.
 */
package io.ferry.server.gateway;
