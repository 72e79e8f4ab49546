package io.ferry.channels.entity;

/**
 * Marks the messages, journal events and snapshots that Pekko serializes with Jackson CBOR (bound
 * in this module's {@code reference.conf}).
 */
public interface CborSerializable {}
