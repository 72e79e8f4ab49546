package io.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.server.config.FerryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node stopped cleanly leaves a record of its LevelDB journal's files, so that its next start
 * does not read the whole journal through to check it (issue 17); that start consumes the record,
 * so a crash after it leaves none and the start after the crash reads everything (issue 19).
 */
class CleanStopTest {
  @TempDir Path home;

  private RunningNode start() throws Exception {
    FerryConfig config =
        FerryConfig.load(
            FerryConfig.Flags.none()
                .withHome(home)
                .withListen("/ip4/127.0.0.1/tcp/0")
                .withApi("127.0.0.1:0"),
            Map.of(),
            System.getProperties());
    return RunningNode.start(config, "test");
  }

  @Test
  void aCleanStopRecordsTheJournalAndTheNextStartConsumesTheRecord() throws Exception {
    Path record = home.resolve("journal.clean-stop");
    try (RunningNode node = start()) {
      assertThat(record).doesNotExist();
    }
    assertThat(record).exists();
    assertThat(Files.readString(record)).contains("CURRENT").contains("MANIFEST-");

    try (RunningNode node = start()) {
      assertThat(record).as("the record while the node runs").doesNotExist();
    }
    assertThat(record).exists();
  }
}
