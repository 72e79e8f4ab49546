/**
 * Who a node is and where it can be reached: the node's Ed25519 host key ({@link
 * io.ferry.transport.identity.NodeIdentity}, kept under {@code $FERRY_HOME/identity}), the public
 * half in libp2p's protobuf form ({@link io.ferry.transport.identity.HostPublicKey}), from which
 * the peer ID is derived, and addresses as multiaddrs ({@link
 * io.ferry.transport.identity.Multiaddr}: {@code /ip4/HOST/tcp/PORT/p2p/PEERID}).
 */
package io.ferry.transport.identity;
