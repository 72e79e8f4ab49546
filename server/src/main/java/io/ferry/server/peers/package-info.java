/**
 * Where the peers of a node that runs alone are: {@link io.ferry.server.peers.PeerAddressFile}
 * keeps the addresses its transport learned in a file under the home, so that a node started again
 * (after a crash, say) can dial the peers of its unfinished channels instead of waiting for them to
 * dial it. A cluster keeps the same book in its shared database instead.
 */
package io.ferry.server.peers;
