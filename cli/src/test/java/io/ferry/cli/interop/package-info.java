/**
 * Interoperability with real IPFS clients from npm (ipfs-car, Helia), run under the Node 24 that
 * scripts/ipfs-clients.sh installs into .ipfs-clients/: the same DAGs, byte for byte, both ways.
 */
package io.ferry.cli.interop;
