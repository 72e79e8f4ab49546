package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

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
import io.ferry.channels.wire.TransferResponse;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;

/**
 * A channel actor whose journal fails a write ({@link JournalWrites}), on each journal a subclass
 * gives: it fails the next write of one channel when told to, having made it or not. The progress
 * batches that follow the failed one are sent at once, so that they arrive while the actor
 * restarts. Every batch must count exactly once, in the actor's state, for its subscribers, and in
 * the state a new actor recovers from the journal.
 */
abstract class JournalFailuresContract {
  static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicLong transferIds = new AtomicLong(100);
  private static final Cid ROOT = Peers.cid("root");

  final RecordingTransport transport = new RecordingTransport(ALICE);
  private final StubValidation validation = new StubValidation();
  private final RecordedEvents events = new RecordedEvents();

  /** The actor system, on the journal under test. */
  abstract ActorTestKit kit();

  /** The journal fails the next write of {@code pid}, having made it if {@code made}. */
  abstract void failNextWrite(String pid, boolean made);

  @Test
  void aProgressBatchWhoseWriteFailedCountsOnceWhenTheActorHasRestarted() {
    ChannelId id = newId();
    ActorRef<ChannelCommand> channel = ongoingPull(id);

    failNextWrite(pid(id), false);
    channel.tell(batch(1, 10));
    channel.tell(batch(2, 20));
    channel.tell(batch(3, 30));
    until(channel, "three batches", s -> s.receivedBlocks() >= 30);
    channel.tell(batch(4, 40));

    ChannelState state = until(channel, "four batches", s -> s.receivedBlocks() >= 40);
    assertThat(state.receivedBlocks()).isEqualTo(40);
    assertThat(state.received()).isEqualTo(1000 + 2000 + 3000 + 4000);
    assertThat(state.status()).isEqualTo(Status.Ongoing);
    assertThat(published(id, EventCode.DataReceivedProgress)).isEqualTo(4);
    assertThat(recovered(channel, id).received()).isEqualTo(10_000);
  }

  @Test
  void aProgressBatchTheJournalMadeButReportedFailedCountsOnce() {
    ChannelId id = newId();
    ActorRef<ChannelCommand> channel = ongoingPull(id);

    failNextWrite(pid(id), true);
    channel.tell(batch(1, 10));
    channel.tell(batch(2, 20));
    until(channel, "two batches", s -> s.receivedBlocks() >= 20);
    channel.tell(batch(3, 30));

    ChannelState state = until(channel, "three batches", s -> s.receivedBlocks() >= 30);
    assertThat(state.receivedBlocks()).isEqualTo(30);
    assertThat(state.received()).isEqualTo(1000 + 2000 + 3000);
    // what follows a write ran for the one reported failed too: subscribers heard of each batch
    assertThat(published(id, EventCode.DataReceivedProgress)).isEqualTo(3);
    assertThat(recovered(channel, id).received()).isEqualTo(6_000);
  }

  // ---- a channel and its batches ----

  static ChannelId newId() {
    return new ChannelId(ALICE, BOB, transferIds.incrementAndGet());
  }

  static String pid(ChannelId id) {
    return ChannelEntity.persistenceId(id).id();
  }

  /**
   * Batch {@code k}: ten first-time blocks of {@code 1000 * k} bytes in all, up to {@code next}.
   */
  static RecordProgress batch(int k, long next) {
    return new RecordProgress(
        new DataProgress(Direction.RECEIVED, 10, 1000L * k, 10, 1000L * k, next));
  }

  /** How many events of {@code code} subscribers heard of for {@code id}. */
  private long published(ChannelId id, EventCode code) {
    return events.codes(id).stream().filter(c -> c == code).count();
  }

  /** The state a new actor recovers from the journal, once {@code channel} has stopped. */
  private ChannelState recovered(ActorRef<ChannelCommand> channel, ChannelId id) {
    TestProbe<Void> watcher = kit().createTestProbe();
    kit().stop(channel, WAIT);
    watcher.expectTerminated(channel, WAIT);
    return until(spawn(id), "recovered", s -> true);
  }

  private ActorRef<ChannelCommand> spawn(ChannelId id) {
    ChannelEnvironment env =
        new ChannelEnvironment(
            ALICE, transport, validation, events, ChannelSettings.defaults().withSnapshotEvery(5));
    return kit().spawn(ChannelEntity.create(id.toString(), env, null));
  }

  /** Alice's pull from Bob, accepted: the channel is Ongoing. */
  ActorRef<ChannelCommand> ongoingPull(ChannelId id) {
    ActorRef<ChannelCommand> channel = spawn(id);
    TestProbe<ChannelReply> opened = kit().createTestProbe();
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

  ChannelState until(ActorRef<ChannelCommand> channel, String what, Predicate<ChannelState> test) {
    return Poll.until(WAIT, what, () -> state(channel), s -> s != null && test.test(s));
  }

  /**
   * The channel's state, or null when it did not answer within 3 s: a channel restarting after a
   * failed write answers only once it has recovered, which on a loaded machine (a CI run's start,
   * with installs beside it) took longer than that; the poll asks again until {@link #WAIT}.
   */
  private ChannelState state(ActorRef<ChannelCommand> channel) {
    ChannelReply reply;
    try {
      reply =
          AskPattern.<ChannelCommand, ChannelReply>ask(
                  channel, GetState::new, Duration.ofSeconds(3), kit().scheduler())
              .toCompletableFuture()
              .join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof java.util.concurrent.TimeoutException) {
        return null;
      }
      throw e;
    }
    return reply instanceof ChannelReply.Receipt r ? r.state() : null;
  }
}
