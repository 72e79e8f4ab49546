/**
 * How a node's channel journal is set up, as one sealed choice ({@link
 * io.ferry.persistence.journal.JournalSettings}): the embedded default is Pekko's LevelDB journal
 * layout (leveldbjni, synced writes) written with group commit ({@link
 * io.ferry.persistence.journal.GroupCommitJournal}) and read by Ferry's own query side ({@link
 * io.ferry.persistence.journal.LevelDbReadJournal}), with local snapshots under the data directory;
 * clustered mode shares one journal, snapshot store and read journal in PostgreSQL through
 * pekko-persistence-jdbc, whose tables are created at start when missing. Each renders the Pekko
 * settings that select it.
 */
package io.ferry.persistence.journal;
