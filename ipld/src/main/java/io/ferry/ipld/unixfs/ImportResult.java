package io.ferry.ipld.unixfs;

import io.ferry.ipld.Cid;

/**
 * What an import produced.
 *
 * @param root the root CID (of the file, or of the directory)
 * @param contentBytes the bytes of file content imported
 * @param dagSize the cumulative size of the DAG's blocks as dag-pb links count it ({@code Tsize})
 * @param blocks the number of blocks written (a block written twice counts twice)
 */
public record ImportResult(Cid root, long contentBytes, long dagSize, long blocks) {}
