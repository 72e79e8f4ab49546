/**
 * The node's HTTP API (pekko-http, Java DSL): JSON endpoints for every {@link
 * io.ferry.engine.Manager} operation and channel query (a restart answers with what it did, a paid
 * pull's payments are shown from the node's payer), Server-Sent Events of channel events read from
 * the journal (then, on a node of its own, as channels publish them: {@code LiveTail}) and
 * resumable with {@code Last-Event-ID}, Prometheus metrics, health and readiness, and the OpenAPI
 * document that describes it all. Every endpoint but {@code /healthz} requires the bearer token the
 * node keeps in its home directory. The API reaches the node only through {@link
 * io.ferry.server.http.NodeBackend}.
 */
package io.ferry.server.http;
