package io.ferry.persistence.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.testing.TestPostgres;
import io.ferry.ipld.Block;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.BlockStoreContract;
import io.ferry.persistence.journal.PostgresJournalSettings;
import io.ferry.persistence.shared.SharedDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared PostgreSQL block store against a real PostgreSQL ({@code scripts/postgres.sh}), a
 * fresh database per test: the store contract, then what sharing adds.
 */
class PostgresBlockStoreTest extends BlockStoreContract {
  private TestPostgres.Database db;
  private SharedDatabase shared;

  @Override
  protected BlockStore open() throws Exception {
    db = TestPostgres.freshDatabase();
    PostgresJournalSettings settings =
        new PostgresJournalSettings(db.url(), db.user(), db.password(), 2, true);
    settings.prepareNow();
    shared = SharedDatabase.open(settings, 2);
    return new PostgresBlockStore(shared.dataSource(), shared.describe());
  }

  @Override
  protected BlockStore reopen(BlockStore closed) {
    return new PostgresBlockStore(shared.dataSource(), shared.describe());
  }

  @AfterEach
  void dropDatabase() throws Exception {
    if (shared != null) {
      shared.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void aBlockStoredThroughOneStoreIsSeenByAnotherAndNotStoredTwice() {
    PostgresBlockStore first = (PostgresBlockStore) store;
    PostgresBlockStore second = new PostgresBlockStore(shared.dataSource(), shared.describe());
    Block a = block("stored by the first member");
    Block b = block("stored by the second member");
    first.putAll(List.of(a));

    second.putAll(List.of(a, b));

    assertThat(second.get(a.cid()).orElseThrow().data()).isEqualTo(a.data());
    assertThat(first.has(b.cid())).isTrue();
    assertThat(first.count()).isEqualTo(2);
    assertThat(first.writes()).isEqualTo(new PostgresBlockStore.Writes(1, 0));
    assertThat(second.writes()).isEqualTo(new PostgresBlockStore.Writes(1, 1));
  }
}
