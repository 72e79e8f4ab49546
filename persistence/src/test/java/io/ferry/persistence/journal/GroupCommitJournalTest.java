package io.ferry.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The node's LevelDB journal commits in groups (issue 17): batches written by many writers at once
 * are acknowledged after fewer forces of the log than there were batches, each only after a force
 * that followed its write, and all of them are there when the journal is opened again. Driven
 * through Pekko's journal protocol against the real LevelDB journal.
 */
class GroupCommitJournalTest {
  private static final int WRITERS = 300;

  @TempDir Path dir;

  private Config config() {
    return new LevelDbJournalSettings(dir.resolve("journal"), dir.resolve("snap"))
        .toConfig()
        .withFallback(ConfigFactory.load());
  }

  private static ActorRef journal(ActorTestKit kit) {
    return Persistence.get(Adapter.toClassic(kit.system()))
        .journalFor("pekko.persistence.journal.leveldb", ConfigFactory.empty());
  }

  @Test
  void batchesOfManyWritersAreAcknowledgedAfterFewerForcesAndAllSurviveAReopen() {
    ActorTestKit kit = ActorTestKit.create(config());
    try {
      TestProbe<Object> probe = kit.createTestProbe();
      ActorRef journal = journal(kit);
      for (int w = 0; w < WRITERS; w++) {
        PersistentRepr event =
            PersistentRepr.apply(
                "event of channel " + w, 1, "channel-" + w, "", false, ActorRef.noSender(), "");
        List<PersistentEnvelope> writes = List.of(AtomicWrite.apply(event));
        journal.tell(
            new JournalProtocol.WriteMessages(
                CollectionConverters.asScala(writes).toList(), Adapter.toClassic(probe.ref()), 1),
            ActorRef.noSender());
      }
      List<Object> answers = new ArrayList<>();
      for (int i = 0; i < 2 * WRITERS; i++) {
        answers.add(probe.receiveMessage(Duration.ofSeconds(60)));
      }
      assertThat(answers)
          .filteredOn(a -> a instanceof JournalProtocol.WriteMessageSuccess)
          .hasSize(WRITERS);

      journal.tell(GroupCommitJournal.GetSyncs.INSTANCE, Adapter.toClassic(probe.ref()));
      GroupCommitJournal.Syncs syncs =
          (GroupCommitJournal.Syncs) probe.receiveMessage(Duration.ofSeconds(30));
      assertThat(syncs.batches()).isEqualTo(WRITERS);
      assertThat(syncs.forces())
          .as("forces of the log for %d batches", WRITERS)
          .isPositive()
          .isLessThan(WRITERS);
    } finally {
      kit.shutdownTestKit();
    }

    ActorTestKit again = ActorTestKit.create(config());
    try {
      TestProbe<Object> probe = again.createTestProbe();
      for (int w = 0; w < WRITERS; w += 37) {
        journal(again)
            .tell(
                new JournalProtocol.ReplayMessages(
                    1,
                    Long.MAX_VALUE,
                    Long.MAX_VALUE,
                    "channel-" + w,
                    Adapter.toClassic(probe.ref())),
                ActorRef.noSender());
        Object replayed = probe.receiveMessage(Duration.ofSeconds(30));
        assertThat(replayed).isInstanceOf(JournalProtocol.ReplayedMessage.class);
        assertThat(((JournalProtocol.ReplayedMessage) replayed).persistent().payload())
            .isEqualTo("event of channel " + w);
        assertThat(probe.receiveMessage(Duration.ofSeconds(30)))
            .isInstanceOf(JournalProtocol.RecoverySuccess.class);
      }
    } finally {
      again.shutdownTestKit();
    }
  }
}
