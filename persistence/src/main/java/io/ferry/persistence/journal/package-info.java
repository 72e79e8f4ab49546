/**
 * How a node's channel journal is set up: the embedded default is Pekko's LevelDB journal
 * (leveldbjni, synced writes) with local snapshots under the data directory.
 */
package io.ferry.persistence.journal;
