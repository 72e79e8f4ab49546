package io.ferry.engine.cluster;

import io.ferry.channels.entity.CborSerializable;

/**
 * What members say to each other when one of them takes a remote peer over ({@link PeerOwnership}):
 * the claimant asks every other member to {@link Release} the peer, each one drops its connection
 * and stops dialing the peer before it answers {@link Released}, and once the claim ended the
 * claimant tells them whether it serves the peer ({@link Settled}). Peers and members travel as
 * text (a peer ID, a cluster address), so the messages stay plain records.
 */
public sealed interface HandOver extends CborSerializable {
  /** Asks a member to give {@code peer} up to {@code claimant}. */
  record Release(String peer, String claimant) implements HandOver {}

  /** The member dropped its connection to {@code peer} and dials it no more. */
  record Released(String peer) implements HandOver {}

  /**
   * The member is claiming {@code peer} itself and goes first (its address orders lower): the
   * claimant asks again; one of the two connections is retired by the peer meanwhile, and the claim
   * whose connection went ends.
   */
  record Refused(String peer) implements HandOver {}

  /** The claim of {@code peer} by {@code claimant} ended: it serves the peer, or it gave up. */
  record Settled(String peer, String claimant, boolean serving) implements HandOver {}
}
