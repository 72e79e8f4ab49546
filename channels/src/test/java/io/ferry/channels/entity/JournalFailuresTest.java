package io.ferry.channels.entity;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.TransferRequest;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.ProcessingPolicy;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.StorageFailure;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JournalFailuresContract} on Pekko's test journal, whose policies also refuse a write: a
 * channel whose write is refused stops, saying why.
 */
class JournalFailuresTest extends JournalFailuresContract {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void resetJournal() {
    journal.resetPolicy();
  }

  @Override
  ActorTestKit kit() {
    return testKit;
  }

  @Override
  void failNextWrite(String pid, boolean made) {
    if (made) {
      journal.withPolicy(makesThenFails(pid));
    } else {
      journal.failNextPersisted(pid);
    }
  }

  @Test
  void aRefusedWriteStopsTheChannelClosingItsDataAndTellingItsPeerWhy() {
    ChannelId id = newId();
    ActorRef<ChannelCommand> channel = ongoingPull(id);
    TestProbe<Void> watcher = testKit.createTestProbe();
    String why = "not enough free disk space to journal 1 event(s) in /ferry/journal: 9 bytes free";

    journal.rejectNextPersisted(pid(id), new IllegalStateException(why));
    channel.tell(batch(1, 10));

    watcher.expectTerminated(channel, WAIT);
    assertThat(transport.calls).contains("close " + id);
    assertThat(transport.messages()).last().isEqualTo(TransferRequest.cancel(id.transferId()));
    assertThat(journal.persistedInStorage(pid(id)))
        .noneMatch(e -> e instanceof JournalEvent.ProgressRecorded);
  }

  /** Makes the first write of {@code pid} after the policy is set, then answers that it failed. */
  private static ProcessingPolicy<JournalOperation> makesThenFails(String pid) {
    AtomicBoolean failed = new AtomicBoolean();
    return new ProcessingPolicy<>() {
      @Override
      public ProcessingResult tryProcess(String persistenceId, JournalOperation operation) {
        if (persistenceId.equals(pid)
            && operation instanceof WriteEvents write
            && failed.compareAndSet(false, true)) {
          journal.persistForRecovery(pid, write.getBatch());
          return StorageFailure.create();
        }
        return ProcessingSuccess.getInstance();
      }
    };
  }
}
