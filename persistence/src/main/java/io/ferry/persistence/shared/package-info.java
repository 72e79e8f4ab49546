/**
 * What the members of a Ferry cluster share besides the journal, kept in the same PostgreSQL
 * database through one small pool ({@link io.ferry.persistence.shared.SharedDatabase}): the peer
 * address book ({@link io.ferry.persistence.shared.PeerAddressBook}), so that whichever member
 * hosts a peer's channels can dial it; the block store ({@code
 * io.ferry.persistence.blocks.PostgresBlockStore}) and the payment ledgers draw on the same pool.
 */
package io.ferry.persistence.shared;
