/**
 * How a node takes part in a Pekko cluster. {@link io.ferry.engine.cluster.Membership} is either a
 * cluster of one (the embedded default) or a member of a real cluster (clustered mode: fixed host
 * and port, seed nodes, split-brain resolver, a shared PostgreSQL journal); it renders the remoting
 * settings and joins. In clustered mode channels are sharded by remote peer ({@link
 * io.ferry.engine.cluster.PeerShards}) and a peer's shard follows the member holding its connection
 * ({@link io.ferry.engine.cluster.PeerOwnership}), handed from member to member with {@link
 * io.ferry.engine.cluster.HandOver} so that one member serves a peer at a time (the claim protocol
 * in {@code PeerClaims} and {@code HandOverRequests}, its bookkeeping in {@code HeldCalls} and
 * {@code GivenPeers}). A member whose claim takes a peer over from a member that crashed wakes the
 * peer's channels as the claim completes; {@link io.ferry.engine.cluster.Departures} lets the
 * oldest member restart the channels of a member that left, and those of a crashed one whose peer
 * no member took over; {@link io.ferry.engine.cluster.ClusterView} is what {@code GET /v1/cluster}
 * shows.
 */
package io.ferry.engine.cluster;
