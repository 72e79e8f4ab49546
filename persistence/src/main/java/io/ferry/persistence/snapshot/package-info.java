/**
 * Where a node on its own keeps its channels' snapshots: a LevelDB database under the data
 * directory ({@link io.ferry.persistence.snapshot.LevelDbSnapshotStore}), which a recovery reads by
 * a seek on its persistence id, and which imports the files of Pekko's local snapshot store that
 * earlier versions wrote there.
 */
package io.ferry.persistence.snapshot;
