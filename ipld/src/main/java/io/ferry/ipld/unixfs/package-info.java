/**
 * UnixFS: files and directories as dag-pb DAGs. {@link io.ferry.ipld.unixfs.UnixFsImporter} streams
 * files and trees in under a named {@link io.ferry.ipld.unixfs.UnixFsProfile} (unixfs-v1-2025 by
 * default, ipfs-car's variant of it, or kubo's classic unixfs-v0-2015) and produces the same root
 * CIDs as the reference tools; {@link io.ferry.ipld.unixfs.UnixFsExporter} writes them back out
 * byte for byte.
 */
package io.ferry.ipld.unixfs;
