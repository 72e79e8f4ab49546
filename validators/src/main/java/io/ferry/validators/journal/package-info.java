/**
 * Where the validators keep their small durable state (seen nonces, payment ledgers), behind one
 * interface ({@link io.ferry.validators.journal.EntryLog}): on a node of its own an append-only,
 * checksummed journal file ({@link io.ferry.validators.journal.Journal}: every entry a
 * length-prefixed, CRC-checked CBOR record, fsynced before the caller acts on it, replayed in order
 * when the file is opened again; a record torn by a crash at the end is cut off, damage anywhere
 * else is refused); in a cluster, rows of a table in the database the members share ({@link
 * io.ferry.validators.journal.SqlJournal}), each decision a transaction under a lock that the
 * members take in turn.
 */
package io.ferry.validators.journal;
