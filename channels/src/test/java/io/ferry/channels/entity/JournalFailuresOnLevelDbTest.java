package io.ferry.channels.entity;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JournalFailuresContract} on a real LevelDB journal and local snapshots, as a node keeps
 * them ({@link StoredJournal#config}), whose writes fail through {@link FailingLevelDbJournal}.
 */
class JournalFailuresOnLevelDbTest extends JournalFailuresContract {
  @TempDir Path dir;
  private ActorTestKit testKit;

  @BeforeEach
  void start() {
    testKit =
        ActorTestKit.create(
            "JournalFailuresOnLevelDb",
            ConfigFactory.parseString(
                    "pekko.persistence.journal.leveldb.class = \""
                        + FailingLevelDbJournal.class.getName()
                        + "\"")
                .withFallback(StoredJournal.config(dir)));
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  @Override
  ActorTestKit kit() {
    return testKit;
  }

  @Override
  void failNextWrite(String pid, boolean made) {
    FailingLevelDbJournal.failNext(pid, made);
  }
}
