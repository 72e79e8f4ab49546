package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelCommand.MarkDisconnected;
import io.ferry.channels.entity.ChannelCommand.MarkReconnected;
import io.ferry.channels.entity.ChannelCommand.Open;
import io.ferry.channels.entity.ChannelCommand.ReceiveRequest;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A channel whose connection dropped restarts by itself: after a backoff, at once when its peer
 * connects, and it gives up (fails) after the configured number of consecutive attempts without
 * data moving. Short backoffs keep the tests quick; nothing here asserts how long anything took.
 */
class RestartAttemptsTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final AtomicLong transferIds = new AtomicLong(10_000);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Cid ROOT = Peers.cid("root");
  private static final ChannelSettings.Restarts QUICK =
      new ChannelSettings.Restarts(Duration.ofMillis(20), Duration.ofMillis(80), 3);

  private final RecordingTransport alice = new RecordingTransport(ALICE);
  private final StubValidation validation = new StubValidation();
  private final RecordedEvents events = new RecordedEvents();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aStalledChannelRestartsByItselfAfterItsBackoffAndIsNoLongerStalledOnceAnswered() {
    ChannelId id = newId(ALICE, BOB);
    var kit = ongoingPull(id, settings(QUICK));

    var dropped = kit.runCommand(new MarkDisconnected("connection reset"));

    assertThat(dropped.state().channel().stalled()).isTrue();
    assertThat(dropped.state().channel().message()).isEqualTo("connection reset");
    Poll.until(WAIT, "a restart request", () -> restartRequests(alice) == 1);
    var answered = kit.runCommand(restartAnswer(id));
    ChannelState state = answered.state().channel();
    assertThat(state.stalled()).isFalse();
    assertThat(state.restartAttempts()).isEqualTo(1);
    assertThat(state.status()).isEqualTo(Status.Ongoing);
  }

  @Test
  void aChannelWhosePeerIsGoneForGoodFailsAfterMaxAttempts() {
    ChannelId id = newId(ALICE, BOB);
    var kit = ongoingPull(id, settings(QUICK));
    alice.failSends = true;

    kit.runCommand(new MarkDisconnected("connection reset"));

    ChannelState failed = until(kit, "failed", s -> s.status() == Status.Failed);
    assertThat(failed.message())
        .startsWith("gave up after 3 restart attempts: could not send RESTART to " + BOB)
        .contains("is gone");
    assertThat(failed.restartAttempts()).isEqualTo(3);
    assertThat(events.codes(id))
        .endsWith(
            EventCode.Disconnected, // the connection dropped
            EventCode.Disconnected, // attempt 1 could not be sent
            EventCode.Disconnected,
            EventCode.Disconnected, // attempt 3
            EventCode.Error,
            EventCode.CleanupComplete);
  }

  @Test
  void dataMovingResetsTheCountSoOnlyConsecutiveFailuresCount() {
    ChannelId id = newId(ALICE, BOB);
    var kit = ongoingPull(id, settings(QUICK));
    alice.failSends = true;
    kit.runCommand(new MarkDisconnected("connection reset"));
    until(kit, "two failed attempts", s -> s.restartAttempts() == 2);
    alice.failSends = false;

    Poll.until(WAIT, "a restart request that went out", () -> restartRequests(alice) == 1);
    kit.runCommand(restartAnswer(id));
    var moved =
        kit.runCommand(new RecordProgress(new DataProgress(Direction.RECEIVED, 1, 100, 1, 100, 1)));

    assertThat(moved.state().channel().restartAttempts()).isZero();
    assertThat(moved.state().channel().stalled()).isFalse();
    alice.failSends = true;
    kit.runCommand(new MarkDisconnected("reset again"));
    ChannelState failed = until(kit, "failed", s -> s.status() == Status.Failed);
    assertThat(failed.message()).startsWith("gave up after 3 restart attempts");
  }

  @Test
  void aRestartRequestWithoutAnAnswerCountsAsAFailedAttempt() {
    ChannelId id = newId(ALICE, BOB);
    var kit = ongoingPull(id, settings(QUICK).withAcceptTimeout(Duration.ofMillis(300)));

    kit.runCommand(new MarkDisconnected("connection reset"));

    ChannelState failed = until(kit, "failed", s -> s.status() == Status.Failed);
    assertThat(failed.message())
        .startsWith("gave up after 3 restart attempts: timed out after PT0.3S waiting for")
        .contains("the answer to the restart request");
    assertThat(restartRequests(alice)).isEqualTo(3);
  }

  @Test
  void aPeerThatConnectsRestartsAStalledChannelAtOnceWhateverItsBackoff() {
    ChannelId id = newId(ALICE, BOB);
    var slow = new ChannelSettings.Restarts(Duration.ofHours(1), Duration.ofHours(1), 3);
    var kit = ongoingPull(id, settings(slow));
    kit.runCommand(new MarkDisconnected("connection reset"));
    assertThat(restartRequests(alice)).isZero();

    kit.runCommand(new MarkReconnected());

    Poll.until(WAIT, "a restart request", () -> restartRequests(alice) == 1);
    assertThat(kit.runCommand(restartAnswer(id)).state().channel().stalled()).isFalse();
  }

  @Test
  void aLateAnswerToAnAttemptThatAlreadyFailedChangesNothing() {
    ChannelId id = newId(ALICE, BOB);
    var kit =
        ongoingPull(
            id,
            settings(new ChannelSettings.Restarts(Duration.ofMillis(20), Duration.ofHours(1), 5))
                .withAcceptTimeout(Duration.ofMillis(300)));
    kit.runCommand(new MarkDisconnected("connection reset"));
    until(kit, "one unanswered attempt", s -> s.restartAttempts() == 1);
    Poll.until(WAIT, "the second request", () -> restartRequests(alice) == 2);
    until(kit, "two unanswered attempts", s -> s.restartAttempts() == 2);

    var late = kit.runCommand(restartAnswer(id));

    assertThat(late.events()).isEmpty();
    assertThat(late.state().channel().stalled()).isTrue();
  }

  @Test
  void aStalledResponderAsksTheInitiatorToRestartAndGivesUpWhenItCannotReachIt() {
    RecordingTransport bob = new RecordingTransport(BOB);
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(BOB, bob, id, settings(QUICK).withAcceptTimeout(Duration.ofMillis(300)));
    kit.runCommand(
        new ReceiveRequest(
            ALICE,
            TransferRequest.open(
                id.transferId(), true, ROOT, Selectors.all(), StubValidation.voucher("v1"))));
    until(kit, "ongoing", s -> s.status() == Status.Ongoing);

    kit.runCommand(new MarkDisconnected("connection reset"));
    Poll.until(
        WAIT,
        "a restart-existing-channel request",
        () ->
            bob.messages().stream()
                .anyMatch(
                    m ->
                        m instanceof TransferRequest r
                            && r.type() == MessageType.RESTART_EXISTING_CHANNEL));
    bob.failSends = true;
    // The initiator never answers; the attempts that follow cannot even be sent.

    ChannelState failed = until(kit, "failed", s -> s.status() == Status.Failed);
    assertThat(failed.message()).startsWith("gave up after 3 restart attempts");
  }

  @Test
  void aChannelThatHoldsAllItsDataWaitsForTheResponderInsteadOfRestarting() {
    ChannelId id = newId(ALICE, BOB);
    var kit = ongoingPull(id, settings(QUICK));
    kit.runCommand(new ChannelCommand.FinishData(false, null));
    until(kit, "transfer finished", s -> s.status() == Status.TransferFinished);

    var dropped = kit.runCommand(new MarkDisconnected("connection reset"));

    assertThat(dropped.state().channel().stalled()).isTrue();
    assertThat(Restarting.restartsItself(dropped.state().channel())).isFalse();
    assertThat(restartRequests(alice)).isZero();
  }

  // ---- helpers ----

  private static ChannelSettings settings(ChannelSettings.Restarts restarts) {
    return ChannelSettings.defaults().withRestarts(restarts);
  }

  private EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> actor(
      PeerId self, RecordingTransport t, ChannelId id, ChannelSettings settings) {
    ChannelEnvironment env = new ChannelEnvironment(self, t, validation, events, settings);
    return EventSourcedBehaviorTestKit.create(
        testKit.system(), ChannelEntity.create(id.toString(), env, null));
  }

  private EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> ongoingPull(
      ChannelId id, ChannelSettings settings) {
    var kit = actor(ALICE, alice, id, settings);
    Poll.until(
        WAIT,
        "open reply",
        () ->
            kit.<ChannelReply>runCommand(
                    r -> new Open(id, true, ROOT, Selectors.all(), StubValidation.voucher("v1"), r))
                .reply(),
        r -> true);
    until(kit, "awaiting acceptance", s -> s.status() == Status.AwaitingAcceptance);
    kit.runCommand(
        new ReceiveResponse(
            BOB, new TransferResponse(MessageType.NEW, id.transferId(), true, false, null, 0, "")));
    until(kit, "ongoing", s -> s.status() == Status.Ongoing);
    return kit;
  }

  private static ReceiveResponse restartAnswer(ChannelId id) {
    return new ReceiveResponse(
        BOB, new TransferResponse(MessageType.RESTART, id.transferId(), true, false, null, 0, ""));
  }

  private static long restartRequests(RecordingTransport t) {
    return t.messages().stream()
        .filter(m -> m instanceof TransferRequest r && r.type() == MessageType.RESTART)
        .count();
  }

  private static ChannelId newId(PeerId initiator, PeerId responder) {
    return new ChannelId(initiator, responder, transferIds.incrementAndGet());
  }

  private static ChannelState until(
      EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> kit,
      String what,
      Predicate<ChannelState> test) {
    return Poll.until(WAIT, what, () -> kit.getState().channel(), s -> s != null && test.test(s));
  }
}
