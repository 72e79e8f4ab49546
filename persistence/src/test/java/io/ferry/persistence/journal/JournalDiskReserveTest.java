package io.ferry.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.persistence.blocks.DiskReserve;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * The LevelDB journal keeps the disk reserve free: a write that would eat into it is rejected with
 * a sentence naming the directory and the free space, where LevelDB would have met a full disk with
 * a SIGBUS that kills the JVM (issue 19, 4). Driven through Pekko's journal protocol against the
 * real LevelDB journal.
 */
class JournalDiskReserveTest {
  @TempDir Path dir;

  private Object write(long reserveBytes) {
    Config config =
        ConfigFactory.parseMap(
                Map.of(
                    "pekko.persistence.journal.leveldb.reserve-bytes",
                    String.valueOf(reserveBytes)))
            .withFallback(
                new LevelDbJournalSettings(dir.resolve("journal"), dir.resolve("snap")).toConfig())
            .withFallback(ConfigFactory.load());
    ActorTestKit kit = ActorTestKit.create(config);
    try {
      TestProbe<Object> probe = kit.createTestProbe();
      ActorRef journal =
          Persistence.get(Adapter.toClassic(kit.system()))
              .journalFor("pekko.persistence.journal.leveldb", ConfigFactory.empty());
      PersistentRepr event =
          PersistentRepr.apply("an event", 1, "channel-1", "", false, ActorRef.noSender(), "");
      List<PersistentEnvelope> writes = List.of(AtomicWrite.apply(event));
      journal.tell(
          new JournalProtocol.WriteMessages(
              CollectionConverters.asScala(writes).toList(), Adapter.toClassic(probe.ref()), 1),
          ActorRef.noSender());
      Object batch = probe.receiveMessage();
      assertThat(batch).isInstanceOf(JournalProtocol.WriteMessagesSuccessful$.class);
      return probe.receiveMessage();
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void aWriteThatWouldEatIntoTheReserveIsRejectedSayingWhy() throws Exception {
    long free = Files.getFileStore(dir).getUsableSpace();

    Object answer = write(free + (1L << 40));

    assertThat(answer).isInstanceOf(JournalProtocol.WriteMessageRejected.class);
    assertThat(((JournalProtocol.WriteMessageRejected) answer).cause().getMessage())
        .contains("not enough free disk space to journal 1 event(s)")
        .contains(dir.resolve("journal").toString())
        .contains("bytes free");
  }

  @Test
  void aWriteWithRoomToSpareIsJournalled() {
    Object answer = write(0);

    assertThat(answer).isInstanceOf(JournalProtocol.WriteMessageSuccess.class);
  }

  @Test
  void theAutomaticReserveIsAtMost256MiBAndATwentiethOfTheDisk() throws Exception {
    long total = Files.getFileStore(dir).getTotalSpace();

    assertThat(DiskReserve.autoSize(dir))
        .isEqualTo(Math.min(DiskReserve.MAX_AUTO_RESERVE, total / 20));
  }
}
