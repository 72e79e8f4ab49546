/**
 * What the members of a Ferry cluster share besides the journal, kept in the same PostgreSQL
 * database: the peer address book ({@link io.ferry.persistence.shared.PeerAddressBook}), so that
 * whichever member hosts a peer's channels can dial it.
 */
package io.ferry.persistence.shared;
