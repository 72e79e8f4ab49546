package io.ferry.server.http;

import static io.ferry.server.http.CompletedPulls.completedPull;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelState;
import io.ferry.ipld.Block;
import io.ferry.ipld.Multicodec;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The start's check of completed channels' data (issue 19, 6) remembers across a clean stop what it
 * found whole, so the next start does not read it again (issue 17), and forgets it after a crash or
 * when the block store changed while the node was down: a real LevelDB block store under a home,
 * started, stopped and crashed as {@code RunningNode} does (record taken before the store opens,
 * written after it closed at a clean stop, not written at a crash).
 */
@ResourceLock("stored-data")
class StoredDataAcrossStopsTest {
  @TempDir Path home;

  private final List<Block> roots = new ArrayList<>();
  private final List<ChannelState> channels = new ArrayList<>();

  private Path blocks() {
    return home.resolve("blocks");
  }

  private void storeCompletedChannels(int n) {
    try (LevelDbBlockStore store = LevelDbBlockStore.open(blocks())) {
      for (int i = 0; i < n; i++) {
        Block root = Block.of(Multicodec.RAW, new byte[] {(byte) i, 1, 7});
        store.put(root);
        roots.add(root);
        channels.add(completedPull(i, root));
      }
    }
  }

  /** A start as RunningNode makes it: takes the record, opens the store, checks. */
  private StoredData.Checked start(boolean stopCleanly) throws Exception {
    StoredDataRecord before = StoredDataRecord.takeAtStart(home, blocks());
    StoredData.Checked checked;
    try (LevelDbBlockStore store = LevelDbBlockStore.open(blocks())) {
      checked = StoredData.checkAtStart(store, channels, before, Runnable::run).join();
    }
    if (stopCleanly) {
      StoredDataRecord.markCleanStop(home, blocks(), checked.whole());
    }
    return checked;
  }

  @Test
  void afterACleanStopTheChannelsFoundWholeAreNotReadAgain() throws Exception {
    storeCompletedChannels(50);

    StoredData.Checked first = start(true);
    assertThat(first.read()).isEqualTo(50);
    assertThat(first.whole()).hasSize(50);

    StoredData.Checked second = start(true);
    assertThat(second.read()).as("channels read after a clean stop").isZero();
    assertThat(second.incomplete()).isZero();
    assertThat(second.whole()).as("still recorded whole for the next stop").hasSize(50);

    assertThat(start(true).read()).isZero();
  }

  @Test
  void afterACrashTheCheckReadsEveryChannelAgain() throws Exception {
    storeCompletedChannels(50);
    start(true);
    assertThat(start(false).read()).as("the start after a clean stop").isZero();

    StoredData.Checked afterCrash = start(true);

    assertThat(afterCrash.read()).as("the start after a crash").isEqualTo(50);
    assertThat(afterCrash.whole()).hasSize(50);
  }

  @Test
  void aBlockStoreChangedAfterACleanStopIsReadAgainAndTheMissingBlockFoundEveryTime()
      throws Exception {
    storeCompletedChannels(50);
    start(true);

    try (LevelDbBlockStore store = LevelDbBlockStore.open(blocks())) {
      store.delete(roots.get(3).cid());
    }
    StoredData.Checked changed = start(true);
    assertThat(changed.read()).as("the store changed since the stop").isEqualTo(50);
    assertThat(changed.incomplete()).isEqualTo(1);

    StoredData.Checked next = start(true);
    assertThat(next.read()).as("only the damaged channel is read again").isEqualTo(1);
    assertThat(next.incomplete()).isEqualTo(1);
  }
}
