package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.Status;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.RecordingTransport;
import io.ferry.channels.testing.StubValidation;
import io.ferry.ipld.selector.Selectors;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A restart answers with what the channel did, decided by the channel alone. */
class RestartOutcomesTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final AtomicLong transferIds = new AtomicLong(500);
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> channel(
      PeerId self, ChannelId id, JournalEvent... history) {
    return channel(new RecordingTransport(self), self, id, history);
  }

  private static EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> channel(
      RecordingTransport transport, PeerId self, ChannelId id, JournalEvent... history) {
    return channel(transport, ChannelListener.none(), self, id, history);
  }

  private static EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> channel(
      RecordingTransport transport,
      ChannelListener listener,
      PeerId self,
      ChannelId id,
      JournalEvent... history) {
    return channel(transport, listener, new StubValidation(), self, id, history);
  }

  private static EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> channel(
      RecordingTransport transport,
      ChannelListener listener,
      StubValidation validation,
      PeerId self,
      ChannelId id,
      JournalEvent... history) {
    ChannelEnvironment env =
        new ChannelEnvironment(self, transport, validation, listener, ChannelSettings.defaults());
    var kit =
        EventSourcedBehaviorTestKit.<ChannelCommand, JournalEvent, EntityState>create(
            testKit.system(), ChannelEntity.create(id.toString(), env, null));
    if (history.length > 0) {
      kit.initialize(history);
    }
    return kit;
  }

  private static JournalEvent.Opened pull(ChannelId id, PeerId self) {
    return new JournalEvent.Opened(
        id, self, BOB, ALICE, Peers.cid("root"), Selectors.all(), StubValidation.voucher("v"), AT);
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
  void anOngoingInitiatorSendsARequestAndASecondRestartFindsItUnderWay() {
    ChannelId id = newId();
    var kit =
        channel(
            ALICE,
            id,
            pull(id, ALICE),
            new JournalEvent.TransferStarted(AT),
            new JournalEvent.Accepted(AT));

    assertThat(restart(kit)).isEqualTo(new RestartOutcome.RequestSent());
    assertThat(restart(kit)).isEqualTo(new RestartOutcome.AlreadyUnderWay());
  }

  @Test
  void anInitiatorHoldingAllItsDataAsksForARestartInsteadOfWaiting() {
    // It waited for the responder, which lost pulls in bench/chaos (issue 19, 3): a client killed
    // after it paid and before it heard the provider's completion waited until its complete
    // timeout, and a provider that restarted could not reach its client to ask.
    ChannelId id = newId();
    RecordingTransport transport = new RecordingTransport(ALICE);
    var kit =
        channel(
            transport,
            ALICE,
            id,
            pull(id, ALICE),
            new JournalEvent.TransferStarted(AT),
            new JournalEvent.Accepted(AT),
            new JournalEvent.TransferFinished(AT));

    assertThat(restart(kit)).isEqualTo(new RestartOutcome.RequestSent());
    assertThat(transport.messages())
        .singleElement()
        .isInstanceOfSatisfying(
            io.ferry.channels.wire.TransferRequest.class,
            r -> assertThat(r.type()).isEqualTo(io.ferry.channels.wire.MessageType.RESTART));
  }

  @Test
  void anInitiatorWaitingForFinalizationWithNothingToPayAgainHasNothingToRestart() {
    ChannelId id = newId();
    RecordingTransport transport = new RecordingTransport(ALICE);
    var kit =
        channel(
            transport,
            ALICE,
            id,
            pull(id, ALICE),
            new JournalEvent.TransferStarted(AT),
            new JournalEvent.Accepted(AT),
            new JournalEvent.TransferFinished(AT),
            new JournalEvent.ResponderFinalizing(AT));

    assertThat(restart(kit))
        .isInstanceOfSatisfying(
            RestartOutcome.NothingToRestart.class,
            n -> assertThat(n.why()).contains("ResponderFinalizingTransferFinished"));
    // ... but it reaches its responder, which may not be able to dial it, with an update that
    // changes nothing: the responder then asks again for its final voucher.
    assertThat(transport.messages())
        .containsExactly(io.ferry.channels.wire.TransferRequest.update(id.transferId(), false));
  }

  @Test
  void aCompletedResponderAnswersARestartWithItsCompletionAgain() {
    ChannelId id = newId();
    RecordingTransport transport = new RecordingTransport(BOB);
    var kit =
        channel(
            transport,
            BOB,
            id,
            pull(id, BOB),
            new JournalEvent.Accepted(AT),
            new JournalEvent.TransferStarted(AT),
            new JournalEvent.CompletionBegun(AT),
            new JournalEvent.CleanupCompleted(AT));
    ChannelState done = kit.getState().channel();
    assertThat(done.status()).isEqualTo(Status.Completed);

    kit.runCommand(
        new ChannelCommand.ReceiveRequest(
            ALICE,
            io.ferry.channels.wire.TransferRequest.restart(
                id.transferId(), true, done.baseCid(), done.selector(), done.voucher(), 1)));

    assertThat(transport.messages())
        .containsExactly(
            io.ferry.channels.wire.TransferResponse.completed(id.transferId(), false, null));
  }

  @Test
  void aFinishedInitiatorRestartsWhenItsResponderAsks() {
    // The responder restarted before it heard that this side holds everything: without a restart
    // it never completes, and this side fails at its complete timeout (issue 19, 3; bench/chaos).
    ChannelId id = newId();
    RecordingTransport transport = new RecordingTransport(ALICE);
    var kit =
        channel(
            transport,
            ALICE,
            id,
            pull(id, ALICE),
            new JournalEvent.TransferStarted(AT),
            new JournalEvent.Accepted(AT),
            new JournalEvent.TransferFinished(AT));

    kit.runCommand(
        new ChannelCommand.ReceiveRequest(
            BOB, io.ferry.channels.wire.TransferRequest.restartExistingChannel(id)));

    // The restart opens its receiving side first and sends the request when that answers (a
    // message to itself), so the request may leave after the command returned.
    Poll.until(
        java.time.Duration.ofSeconds(10),
        "a RESTART sent",
        () ->
            transport.messages().stream()
                .anyMatch(
                    m ->
                        m instanceof io.ferry.channels.wire.TransferRequest r
                            && r.type() == io.ferry.channels.wire.MessageType.RESTART));
    assertThat(transport.messages())
        .anySatisfy(
            m ->
                assertThat(m)
                    .isInstanceOfSatisfying(
                        io.ferry.channels.wire.TransferRequest.class,
                        r ->
                            assertThat(r.type())
                                .isEqualTo(io.ferry.channels.wire.MessageType.RESTART)));
  }

  @Test
  void aCompletedResponderAnswersAVoucherWithItsCompletionAgain() {
    ChannelId id = newId();
    RecordingTransport transport = new RecordingTransport(BOB);
    var kit =
        channel(
            transport,
            BOB,
            id,
            pull(id, BOB),
            new JournalEvent.Accepted(AT),
            new JournalEvent.TransferStarted(AT),
            new JournalEvent.CompletionBegun(AT),
            new JournalEvent.CleanupCompleted(AT));
    assertThat(kit.getState().channel().status()).isEqualTo(Status.Completed);

    kit.runCommand(
        new ChannelCommand.ReceiveRequest(
            ALICE,
            io.ferry.channels.wire.TransferRequest.voucher(
                id.transferId(), StubValidation.voucher("final"))));

    assertThat(transport.messages())
        .containsExactly(
            io.ferry.channels.wire.TransferResponse.completed(id.transferId(), false, null));
  }

  @Test
  void aCompletedResponderAnswersAnUpdateWithItsCompletionAgain() {
    // A client that paid nothing says its last word as an update; a provider that completed while
    // the client was down ignored it, and the client waited for an answer that never came.
    ChannelId id = newId();
    RecordingTransport transport = new RecordingTransport(BOB);
    var kit =
        channel(
            transport,
            BOB,
            id,
            pull(id, BOB),
            new JournalEvent.Accepted(AT),
            new JournalEvent.TransferStarted(AT),
            new JournalEvent.CompletionBegun(AT),
            new JournalEvent.CleanupCompleted(AT));

    kit.runCommand(
        new ChannelCommand.ReceiveRequest(
            ALICE, io.ferry.channels.wire.TransferRequest.update(id.transferId(), false)));

    assertThat(transport.messages())
        .containsExactly(
            io.ferry.channels.wire.TransferResponse.completed(id.transferId(), false, null));
  }

  @Test
  void aRespondersCompletionStillCleaningUpAnswersTheLastVoucherWithItsCompletion() {
    // bench/chaos, provider killed while paused: the provider died after it recorded Completing
    // (paid) and before its cleanup ended, and the client's last voucher came while the restarted
    // provider's channel cleaned up again: ignored, the client waited for an answer until its
    // timeout.
    ChannelId id = newId();
    RecordingTransport transport = new RecordingTransport(BOB);
    ChannelListener cleanupRuns =
        new ChannelListener() {
          @Override
          public CompletionStage<Void> register(ChannelId channelId) {
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public void published(ChannelEvent event, ChannelState state) {}

          @Override
          public void ended(ChannelId channelId) {}

          @Override
          public CompletionStage<Void> cleanup(ChannelState state) {
            return new CompletableFuture<>(); // still running
          }
        };
    var kit =
        channel(
            transport,
            cleanupRuns,
            BOB,
            id,
            pull(id, BOB),
            new JournalEvent.Accepted(AT),
            new JournalEvent.TransferStarted(AT),
            new JournalEvent.CompletionBegun(AT));
    assertThat(kit.getState().channel().status()).isEqualTo(Status.Completing);

    kit.runCommand(
        new ChannelCommand.ReceiveRequest(
            ALICE,
            io.ferry.channels.wire.TransferRequest.voucher(
                id.transferId(), StubValidation.voucher("paid"))));

    assertThat(transport.messages())
        .containsExactly(
            io.ferry.channels.wire.TransferResponse.completed(id.transferId(), false, null));
  }

  @Test
  void aRestartedResponderWhoseValidatorFindsNothingDueAtTheEndCompletesWithoutFinalizing() {
    // bench/chaos, provider killed while paused: the restart's validation asked for the final
    // payment (finalization required), the payment came before the data finished, and the
    // validator's completion check found nothing due. The kept flag still made the responder wait
    // in Finalizing for a final voucher, while its client, asked for nothing, waited for it.
    ChannelId id = newId();
    RecordingTransport transport = new RecordingTransport(BOB);
    StubValidation validation = new StubValidation();
    validation.onComplete = java.util.Optional.of(StubValidation.accept());
    var kit =
        channel(
            transport,
            ChannelListener.none(),
            validation,
            BOB,
            id,
            pull(id, BOB),
            new JournalEvent.Accepted(AT),
            new JournalEvent.TransferStarted(AT),
            new JournalEvent.FinalizationRequired(AT));

    kit.runCommand(new ChannelCommand.FinishData(null));

    Poll.until(
        java.time.Duration.ofSeconds(10),
        "the completion",
        () -> transport.messages(),
        m -> !m.isEmpty());
    assertThat(transport.messages())
        .containsExactly(
            io.ferry.channels.wire.TransferResponse.completed(id.transferId(), false, null));
  }

  @Test
  void aResponderWaitingForTheFinalVoucherHasNothingToRestart() {
    ChannelId id = newId();
    RecordingTransport transport = new RecordingTransport(BOB);
    var kit =
        channel(
            transport,
            BOB,
            id,
            pull(id, BOB),
            new JournalEvent.Accepted(AT),
            new JournalEvent.TransferStarted(AT),
            new JournalEvent.FinalizationBegun(AT));
    assertThat(kit.getState().channel().status()).isEqualTo(Status.Finalizing);

    assertThat(restart(kit))
        .isInstanceOfSatisfying(
            RestartOutcome.NothingToRestart.class, n -> assertThat(n.why()).contains("Finalizing"));
    // ... but it asks for the final voucher again: the last request may have been lost.
    assertThat(transport.messages())
        .containsExactly(
            io.ferry.channels.wire.TransferResponse.completed(id.transferId(), true, null));
  }

  @Test
  void anEndedChannelSaysSoAndAnUnknownOneIsUnknown() {
    ChannelId id = newId();
    var kit =
        channel(
            ALICE,
            id,
            pull(id, ALICE),
            new JournalEvent.Cancelled("stop", AT),
            new JournalEvent.CleanupCompleted(AT));

    assertThat(restart(kit)).isEqualTo(new RestartOutcome.Ended(Status.Cancelled));
    var unknown = channel(ALICE, newId());
    assertThat(unknown.<ChannelReply>runCommand(ChannelCommand.Restart::new).reply())
        .isInstanceOf(ChannelReply.Unknown.class);
  }
}
