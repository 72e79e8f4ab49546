/**
 * Signed vouchers: an envelope whose payload the initiator signs with its Ed25519 node key and
 * which binds the channel, the addressee (the responder), a nonce, an expiry and type-specific
 * terms. The verifier checks the signature against the key inlined in the channel's actual
 * counterparty's peer ID and refuses vouchers that are forged, expired, meant for another channel
 * or peer, or replayed; the nonces it has seen are kept in a journal so replays stay refused across
 * restarts.
 */
package io.ferry.validators.signed;
