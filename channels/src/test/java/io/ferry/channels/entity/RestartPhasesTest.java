package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.entity.ChannelCommand.MarkDisconnected;
import io.ferry.channels.entity.ChannelCommand.ReceiveRequest;
import io.ferry.channels.entity.ChannelCommand.ReceiveResponse;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.RecordingTransport;
import io.ferry.channels.testing.StubValidation;
import io.ferry.channels.validation.Verdict;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What only one incarnation of a channel's actor knows is part of its typed state, folded from the
 * events it wrote: a restart it began ({@link EntityState.AwaitingRestart}) or answered ({@link
 * EntityState.RestartedHere}); a successor recovers neither. A request validated before any channel
 * exists is its child's ({@link OpenValidation}).
 */
class RestartPhasesTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final AtomicLong transferIds = new AtomicLong(900);
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
  private static final Cid ROOT = Peers.cid("root");
  private static final Duration WAIT = Duration.ofSeconds(10);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> channel(
      PeerId self, StubValidation validation, ChannelId id, JournalEvent... history) {
    return channel(self, new RecordingTransport(self), validation, id, history);
  }

  private static EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> channel(
      PeerId self,
      RecordingTransport transport,
      StubValidation validation,
      ChannelId id,
      JournalEvent... history) {
    ChannelEnvironment env =
        new ChannelEnvironment(
            self, transport, validation, ChannelListener.none(), ChannelSettings.defaults());
    var kit =
        EventSourcedBehaviorTestKit.<ChannelCommand, JournalEvent, EntityState>create(
            testKit.system(), ChannelEntity.create(id.toString(), env, null));
    if (history.length > 0) {
      kit.initialize(history);
    }
    return kit;
  }

  /** Alice pulls from Bob, as {@code self} sees it: accepted, data moving. */
  private static JournalEvent[] ongoingPull(ChannelId id, PeerId self) {
    return new JournalEvent[] {
      new JournalEvent.Opened(
          id, self, BOB, ALICE, ROOT, Selectors.all(), StubValidation.voucher("v"), AT),
      new JournalEvent.TransferStarted(AT),
      new JournalEvent.Accepted(AT)
    };
  }

  /** Alice pushes to Bob, as Alice sees it: accepted, data moving. */
  private static JournalEvent[] ongoingPush(ChannelId id) {
    return new JournalEvent[] {
      new JournalEvent.Opened(
          id, ALICE, ALICE, BOB, ROOT, Selectors.all(), StubValidation.voucher("v"), AT),
      new JournalEvent.TransferStarted(AT),
      new JournalEvent.Accepted(AT)
    };
  }

  /** Bob's answer to a restart request: accepted, holding {@code receivedBlocks}. */
  private static ReceiveResponse restartAnswer(ChannelId id, long receivedBlocks) {
    return new ReceiveResponse(
        BOB,
        TransferResponse.accepted(
            MessageType.RESTART, id.transferId(), false, null, receivedBlocks));
  }

  private static RestartOutcome restart(
      EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> kit) {
    ChannelReply reply = kit.<ChannelReply>runCommand(ChannelCommand.Restart::new).reply();
    assertThat(reply).isInstanceOf(ChannelReply.RestartAnswer.class);
    return ((ChannelReply.RestartAnswer) reply).outcome();
  }

  private static ChannelId newId() {
    return new ChannelId(ALICE, BOB, transferIds.incrementAndGet());
  }

  @Test
  void aRestartRequestIsAwaitedOnlyByTheIncarnationThatSentIt() {
    ChannelId id = newId();
    var kit = channel(ALICE, new StubValidation(), id, ongoingPull(id, ALICE));

    assertThat(restart(kit)).isEqualTo(new RestartOutcome.RequestSent());
    assertThat(kit.getState()).isInstanceOf(EntityState.AwaitingRestart.class);

    // The node stops and starts again: the journal says a request went out, but its successor has
    // nothing of its data side open and awaits no answer, so it restarts the channel again.
    kit.restart();
    assertThat(kit.getState()).isInstanceOf(EntityState.Live.class);
    var late =
        kit.runCommand(
            new ReceiveResponse(
                BOB,
                TransferResponse.accepted(MessageType.RESTART, id.transferId(), false, null, 0)));
    assertThat(late.events()).isEmpty();
    assertThat(restart(kit)).isEqualTo(new RestartOutcome.RequestSent());
    assertThat(kit.getState()).isInstanceOf(EntityState.AwaitingRestart.class);
  }

  @Test
  void aResponderThatRestartedTheChannelFindsAWakeUpUnderWayUntilItsConnectionDrops() {
    ChannelId id = newId();
    var kit = channel(BOB, new StubValidation(), id, ongoingPull(id, BOB));

    kit.runCommand(
        new ReceiveRequest(
            ALICE,
            TransferRequest.restart(
                id.transferId(), true, ROOT, Selectors.all(), StubValidation.voucher("v"), 0)));
    Poll.until(
        WAIT, "the restart answered", () -> kit.getState() instanceof EntityState.RestartedHere);

    assertThat(restart(kit)).isEqualTo(new RestartOutcome.AlreadyUnderWay());
    kit.runCommand(new MarkDisconnected("connection reset"));
    assertThat(kit.getState()).isInstanceOf(EntityState.Live.class);
    assertThat(restart(kit)).isEqualTo(new RestartOutcome.RequestSent());
  }

  @Test
  void aSendingInitiatorFollowsARestartAnswerThatNoAttemptOfItsAwaits() {
    ChannelId id = newId();
    RecordingTransport alice = new RecordingTransport(ALICE);
    var kit = channel(ALICE, alice, new StubValidation(), id, ongoingPush(id));
    assertThat(restart(kit)).isEqualTo(new RestartOutcome.RequestSent());
    kit.runCommand(restartAnswer(id, 3));
    Poll.until(WAIT, "the sending side opened again", () -> alice.sends.size() == 1);

    // Two requests crossed: Bob answered the second too, and its receiving side waits for an open.
    var second = kit.runCommand(restartAnswer(id, 5));

    assertThat(second.events()).hasSize(1);
    assertThat(second.events().get(0)).isInstanceOf(JournalEvent.Restarted.class);
    assertThat(kit.getState()).isInstanceOf(EntityState.Live.class);
    Poll.until(WAIT, "the sending side opened once more", () -> alice.sends.size() == 2);
    assertThat(alice.sends.get(1).startIndex()).isEqualTo(5);
  }

  @Test
  void aNewRequestSentAgainWhileTheFirstIsValidatedIsValidatedOnce() {
    ChannelId id = newId();
    StubValidation validation = new StubValidation();
    CompletableFuture<Verdict> verdict = new CompletableFuture<>();
    validation.onRequest = v -> verdict;
    var kit = channel(BOB, validation, id);
    ReceiveRequest open =
        new ReceiveRequest(
            ALICE,
            TransferRequest.open(
                id.transferId(), true, ROOT, Selectors.all(), StubValidation.voucher("v")));

    kit.runCommand(open);
    kit.runCommand(open);
    Poll.until(WAIT, "the first validation", () -> validation.calls.size() == 1);
    kit.runCommand(open);
    verdict.complete(StubValidation.accept());

    Poll.until(WAIT, "the channel accepted", () -> kit.getState().exists());
    assertThat(kit.getState()).isInstanceOf(EntityState.Active.class);
    assertThat(validation.calls).containsExactly("new pull " + StubValidation.TYPE);
  }
}
