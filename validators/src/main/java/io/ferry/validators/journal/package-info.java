/**
 * An append-only, checksummed journal file for the validators' small durable state (seen nonces,
 * payment ledgers): every entry is a length-prefixed, CRC-checked CBOR record, appended and fsynced
 * before the caller acts on it, and replayed in order when the file is opened again. A record torn
 * by a crash at the end of the file is cut off; damage anywhere else is refused.
 */
package io.ferry.validators.journal;
