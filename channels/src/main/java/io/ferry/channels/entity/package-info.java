/**
 * The persistent channel actor: one event-sourced entity per channel, reached through Cluster
 * Sharding. It checks every event against the transition table, journals past-tense events that
 * keep vouchers as type + bytes, folds them into an immutable state, talks to the other peer and
 * the transport after persisting, brings validator answers back as messages, keeps the timeouts,
 * and resumes cleanup after a restart. Events, commands and snapshots are serialized with Jackson
 * CBOR.
 */
package io.ferry.channels.entity;
