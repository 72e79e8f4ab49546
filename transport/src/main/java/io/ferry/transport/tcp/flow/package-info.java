/**
 * What limits how fast and how much data flows, shared by the peers of one transport: token-bucket
 * rate limiters (node-wide and per peer), the in-flight receive budgets (per peer and node-wide)
 * that bound the credit receivers grant, and the send slots that bound how many channels send at
 * once. These are the only mutable objects several session threads share, and they are safe for
 * that; their callbacks are handed to a session's thread. Internal to the transport: public only so
 * that the transport's packages can reach each other.
 */
package io.ferry.transport.tcp.flow;
