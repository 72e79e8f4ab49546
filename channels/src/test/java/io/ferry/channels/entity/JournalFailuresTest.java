package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelCommand.GetState;
import io.ferry.channels.entity.ChannelCommand.Open;
import io.ferry.channels.entity.ChannelCommand.ReceiveResponse;
import io.ferry.channels.entity.ChannelCommand.RecordProgress;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.RecordingTransport;
import io.ferry.channels.testing.StubValidation;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
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
 * A channel actor whose journal fails or refuses a write ({@link JournalWrites}). The journal is
 * Pekko's test journal, which fails (or refuses) the next write of one channel when told to; the
 * progress batches that follow the failed one are sent at once, so that they arrive while the actor
 * restarts. Every batch must be counted exactly once.
 */
class JournalFailuresTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
  private static final AtomicLong transferIds = new AtomicLong(100);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Cid ROOT = Peers.cid("root");

  private final RecordingTransport transport = new RecordingTransport(ALICE);
  private final StubValidation validation = new StubValidation();
  private final RecordedEvents events = new RecordedEvents();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void resetJournal() {
    journal.resetPolicy();
  }

  @Test
  void aProgressBatchWhoseWriteFailedCountsOnceWhenTheActorHasRestarted() {
    ChannelId id = newId();
    ActorRef<ChannelCommand> channel = ongoingPull(id);

    journal.failNextPersisted(pid(id));
    channel.tell(batch(1, 10));
    channel.tell(batch(2, 20));
    channel.tell(batch(3, 30));
    until(channel, "three batches", s -> s.receivedBlocks() >= 30);
    channel.tell(batch(4, 40));

    ChannelState state = until(channel, "four batches", s -> s.receivedBlocks() >= 40);
    assertThat(state.receivedBlocks()).isEqualTo(40);
    assertThat(state.received()).isEqualTo(1000 + 2000 + 3000 + 4000);
    assertThat(progressEventsIn(id)).isEqualTo(4);
    assertThat(state.status()).isEqualTo(Status.Ongoing);
  }

  @Test
  void aProgressBatchTheJournalWroteButReportedFailedCountsOnce() {
    ChannelId id = newId();
    ActorRef<ChannelCommand> channel = ongoingPull(id);
    AtomicBoolean failed = new AtomicBoolean();
    journal.withPolicy(writesThenFails(pid(id), failed));

    channel.tell(batch(1, 10));
    channel.tell(batch(2, 20));
    until(channel, "two batches", s -> s.receivedBlocks() >= 20);
    channel.tell(batch(3, 30));

    ChannelState state = until(channel, "three batches", s -> s.receivedBlocks() >= 30);
    assertThat(failed).isTrue();
    assertThat(state.receivedBlocks()).isEqualTo(30);
    assertThat(state.received()).isEqualTo(1000 + 2000 + 3000);
    assertThat(progressEventsIn(id)).isEqualTo(3);
    // what follows a write ran for the one reported failed too: subscribers heard of each batch
    assertThat(events.codes(id).stream().filter(c -> c == EventCode.DataReceivedProgress))
        .hasSize(3);
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
    assertThat(progressEventsIn(id)).isZero();
  }

  // ---- a channel, its journal, its batches ----

  private static ChannelId newId() {
    return new ChannelId(ALICE, BOB, transferIds.incrementAndGet());
  }

  private static String pid(ChannelId id) {
    return ChannelEntity.persistenceId(id).id();
  }

  /**
   * Batch {@code k}: ten first-time blocks of {@code 1000 * k} bytes in all, up to {@code next}.
   */
  private static RecordProgress batch(int k, long next) {
    return new RecordProgress(
        new DataProgress(Direction.RECEIVED, 10, 1000L * k, 10, 1000L * k, next));
  }

  /** The progress events the journal holds for {@code id}. */
  private static long progressEventsIn(ChannelId id) {
    return journal.persistedInStorage(pid(id)).stream()
        .filter(e -> e instanceof JournalEvent.ProgressRecorded)
        .count();
  }

  /** Writes the first write of {@code pid} after the policy is set, then answers that it failed. */
  private static ProcessingPolicy<JournalOperation> writesThenFails(
      String pid, AtomicBoolean failed) {
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

  /** Alice's pull from Bob, accepted: the channel is Ongoing. */
  private ActorRef<ChannelCommand> ongoingPull(ChannelId id) {
    ChannelEnvironment env =
        new ChannelEnvironment(
            ALICE, transport, validation, events, ChannelSettings.defaults().withSnapshotEvery(5));
    ActorRef<ChannelCommand> channel =
        testKit.spawn(ChannelEntity.create(id.toString(), env, null));
    TestProbe<ChannelReply> opened = testKit.createTestProbe();
    channel.tell(
        new Open(id, true, ROOT, Selectors.all(), StubValidation.voucher("v1"), opened.ref()));
    opened.expectMessageClass(ChannelReply.Receipt.class, WAIT);
    until(channel, "awaiting acceptance", s -> s.status() == Status.AwaitingAcceptance);
    channel.tell(
        new ReceiveResponse(
            BOB, new TransferResponse(MessageType.NEW, id.transferId(), true, false, null, 0, "")));
    until(channel, "ongoing", s -> s.status() == Status.Ongoing);
    return channel;
  }

  private static ChannelState until(
      ActorRef<ChannelCommand> channel, String what, Predicate<ChannelState> test) {
    return Poll.until(WAIT, what, () -> state(channel), s -> s != null && test.test(s));
  }

  private static ChannelState state(ActorRef<ChannelCommand> channel) {
    ChannelReply reply =
        AskPattern.<ChannelCommand, ChannelReply>ask(
                channel, GetState::new, Duration.ofSeconds(3), testKit.scheduler())
            .toCompletableFuture()
            .join();
    return reply instanceof ChannelReply.Receipt r ? r.state() : null;
  }
}
