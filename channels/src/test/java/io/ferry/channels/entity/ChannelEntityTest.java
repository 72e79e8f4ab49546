package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.PeerId;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.Status;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.entity.ChannelCommand.FinishData;
import io.ferry.channels.entity.ChannelCommand.Open;
import io.ferry.channels.entity.ChannelCommand.PauseAtLimit;
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
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ChannelEntityTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final AtomicLong transferIds = new AtomicLong(100);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Cid ROOT = Peers.cid("root");

  private final RecordingTransport transport;
  private final StubValidation validation = new StubValidation();
  private final RecordedEvents events = new RecordedEvents();
  private ChannelSettings settings = ChannelSettings.defaults().withSnapshotEvery(5);

  ChannelEntityTest() {
    transport = new RecordingTransport(ALICE);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A channel actor on node {@code self} for channel {@code id}. */
  private EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> actor(
      PeerId self, RecordingTransport t, ChannelId id) {
    ChannelEnvironment env = new ChannelEnvironment(self, t, validation, events, settings);
    return EventSourcedBehaviorTestKit.create(
        testKit.system(), ChannelEntity.create(id.toString(), env, null));
  }

  /** Alice's request to pull the DAG at {@code ROOT} from this (Bob's) channel, voucher "v1". */
  private static void receivePullFromAlice(
      EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> kit, ChannelId id) {
    kit.runCommand(
        new ReceiveRequest(
            ALICE,
            TransferRequest.open(
                id.transferId(), true, ROOT, Selectors.all(), StubValidation.voucher("v1"))));
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

  private ChannelReply open(
      EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> kit,
      ChannelId id,
      boolean pull) {
    var result =
        kit.<ChannelReply>runCommand(
            replyTo ->
                new Open(id, pull, ROOT, Selectors.all(), StubValidation.voucher("v1"), replyTo));
    return result.reply();
  }

  @Test
  void initiatorOfAPullPreparesItsReceiverThenSendsTheRequest() {
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(ALICE, transport, id);

    // The open command registers first, so the reply arrives once the channel is persisted.
    ChannelReply reply = Poll.until(WAIT, "open reply", () -> open(kit, id, true), r -> true);

    assertThat(reply).isInstanceOf(ChannelReply.Receipt.class);
    ChannelState state =
        until(kit, "awaiting acceptance", s -> s.status() == Status.AwaitingAcceptance);
    assertThat(state.isPull()).isTrue();
    assertThat(state.recipient()).isEqualTo(ALICE);
    assertThat(transport.receives).hasSize(1);
    TransferRequest request = (TransferRequest) lastMessage();
    assertThat(request.type()).isEqualTo(MessageType.NEW);
    assertThat(request.pull()).isTrue();
    assertThat(request.baseCid()).isEqualTo(ROOT);
    assertThat(events.codes(id)).containsExactly(EventCode.Open, EventCode.TransferInitiated);
  }

  @Test
  void acceptedPushStartsSendingAfterTheBlocksTheResponderHolds() {
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(ALICE, transport, id);
    open(kit, id, false);
    until(kit, "awaiting acceptance", s -> s.status() == Status.AwaitingAcceptance);

    var result =
        kit.runCommand(
            new ReceiveResponse(
                BOB,
                new TransferResponse(
                    MessageType.NEW,
                    id.transferId(),
                    true,
                    false,
                    StubValidation.voucher("ok"),
                    3,
                    "")));

    assertThat(result.events())
        .extracting(JournalEvent::code)
        .containsExactly(EventCode.NewVoucherResult, EventCode.Accept);
    assertThat(result.state().channel().status()).isEqualTo(Status.Ongoing);
    assertThat(transport.sends)
        .singleElement()
        .satisfies(r -> assertThat(r.startIndex()).isEqualTo(3));
  }

  @Test
  void aMessageFromAPeerThatIsNotTheCounterpartyChangesNothing() {
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(ALICE, transport, id);
    open(kit, id, true);
    until(kit, "awaiting acceptance", s -> s.status() == Status.AwaitingAcceptance);

    var result =
        kit.runCommand(
            new ReceiveResponse(
                Peers.CAROL,
                new TransferResponse(MessageType.NEW, id.transferId(), true, false, null, 0, "")));

    assertThat(result.events()).isEmpty();
    assertThat(result.state().channel().status()).isEqualTo(Status.AwaitingAcceptance);
    assertThat(transport.sends).isEmpty();
  }

  @Test
  void rejectedRequestFailsTheInitiatorWithTheResponderReason() {
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(ALICE, transport, id);
    open(kit, id, true);
    until(kit, "awaiting acceptance", s -> s.status() == Status.AwaitingAcceptance);

    kit.runCommand(
        new ReceiveResponse(
            BOB,
            new TransferResponse(
                MessageType.NEW,
                id.transferId(),
                false,
                false,
                null,
                0,
                "unknown voucher type 'x'")));

    ChannelState state = until(kit, "failed", s -> s.status() == Status.Failed);
    assertThat(state.message()).contains("unknown voucher type 'x'");
    assertThat(events.codes(id))
        .containsExactly(
            EventCode.Open,
            EventCode.TransferInitiated,
            EventCode.Error,
            EventCode.CleanupComplete);
  }

  @Test
  void responderAcceptsAPullAndStartsSending() {
    RecordingTransport bob = new RecordingTransport(BOB);
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(BOB, bob, id);

    receivePullFromAlice(kit, id);

    ChannelState state = until(kit, "ongoing", s -> s.status() == Status.Ongoing);
    assertThat(state.isSender()).isTrue();
    assertThat(events.codes(id))
        .containsExactly(EventCode.Open, EventCode.Accept, EventCode.TransferInitiated);
    Poll.until(WAIT, "answer sent", () -> !bob.sent.isEmpty());
    TransferResponse answer = (TransferResponse) bob.sent.get(0).message();
    assertThat(answer.type()).isEqualTo(MessageType.NEW);
    assertThat(answer.accepted()).isTrue();
    assertThat(bob.sends).singleElement().satisfies(r -> assertThat(r.peer()).isEqualTo(ALICE));
  }

  @Test
  void theResponderOfAPullRecordsItsAcceptanceAndItsStartInOneWrite() {
    RecordingTransport bob = new RecordingTransport(BOB);
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(BOB, bob, id);
    String pid = ChannelEntity.persistenceId(id).id();
    List<Integer> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
    kit.persistenceTestKit()
        .withPolicy(
            new org.apache.pekko.persistence.testkit.ProcessingPolicy<
                org.apache.pekko.persistence.testkit.JournalOperation>() {
              @Override
              public org.apache.pekko.persistence.testkit.ProcessingResult tryProcess(
                  String persistenceId,
                  org.apache.pekko.persistence.testkit.JournalOperation operation) {
                if (persistenceId.equals(pid)
                    && operation instanceof org.apache.pekko.persistence.testkit.WriteEvents w) {
                  writes.add(w.batch().size());
                }
                return org.apache.pekko.persistence.testkit.ProcessingSuccess$.MODULE$;
              }
            });
    try {
      receivePullFromAlice(kit, id);

      until(kit, "ongoing", s -> s.status() == Status.Ongoing);
      Poll.until(WAIT, "answer sent", () -> !bob.sends.isEmpty());
      assertThat(events.codes(id))
          .containsExactly(EventCode.Open, EventCode.Accept, EventCode.TransferInitiated);
      assertThat(writes).as("events per journal write").containsExactly(3);
    } finally {
      kit.persistenceTestKit().resetPolicy();
    }
  }

  @Test
  void responderRejectsAnUnknownVoucherTypeWithoutKeepingAChannel() {
    RecordingTransport bob = new RecordingTransport(BOB);
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(BOB, bob, id);

    kit.runCommand(
        new ReceiveRequest(
            ALICE,
            TransferRequest.open(
                id.transferId(),
                true,
                ROOT,
                Selectors.all(),
                new io.ferry.channels.TypedVoucher("nobody/knows", new byte[] {1}))));

    Poll.until(WAIT, "rejection sent", () -> !bob.sent.isEmpty());
    TransferResponse answer = (TransferResponse) bob.sent.get(0).message();
    assertThat(answer.accepted()).isFalse();
    assertThat(answer.message()).contains("nobody/knows");
    assertThat(kit.getState().exists()).isFalse();
    assertThat(bob.sends).isEmpty();
  }

  @Test
  void aProgressBatchIsOneWriteAndCountsOnlyFirstTimeBlocks() {
    ChannelId id = newId(ALICE, BOB);
    var kit = ongoingPull(id);

    var result =
        kit.runCommand(
            new RecordProgress(new DataProgress(Direction.RECEIVED, 4, 4000, 2, 2000, 6)));

    assertThat(result.events())
        .extracting(JournalEvent::code)
        .containsExactly(EventCode.DataReceivedProgress, EventCode.DataReceived);
    assertThat(result.state().channel().received()).isEqualTo(2000);
    assertThat(result.state().channel().receivedBlocks()).isEqualTo(2);

    var repeat =
        kit.runCommand(new RecordProgress(new DataProgress(Direction.RECEIVED, 2, 2000, 0, 0, 6)));
    assertThat(repeat.events())
        .extracting(JournalEvent::code)
        .containsExactly(EventCode.DataReceived);
    assertThat(repeat.state().channel().received()).isEqualTo(2000);
  }

  @Test
  void anEventTheTableRefusesChangesNothingAndTheCallerHearsWhy() {
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(ALICE, transport, id);
    open(kit, id, true);
    ChannelState before =
        until(kit, "awaiting acceptance", s -> s.status() == Status.AwaitingAcceptance);
    kit.runCommand(new FinishData("broken block"));
    until(kit, "failed", s -> s.status() == Status.Failed);

    var pause = kit.<ChannelReply>runCommand(ChannelCommand.Pause::new);
    assertThat(pause.events()).isEmpty();
    assertThat(pause.reply()).isInstanceOf(ChannelReply.Refusal.class);
    assertThat(((ChannelReply.Refusal) pause.reply()).reason()).contains("Failed");
    var progress =
        kit.runCommand(new RecordProgress(new DataProgress(Direction.RECEIVED, 1, 10, 1, 10, 1)));
    assertThat(progress.events()).isEmpty();
    assertThat(before.received()).isZero();
  }

  @Test
  void dataLimitPausesTheResponderAndAVoucherThatRaisesItResumes() {
    RecordingTransport bob = new RecordingTransport(BOB);
    validation.onRequest =
        v -> StubValidation.done(StubValidation.withLimit(StubValidation.accept(), 1000));
    validation.onVoucher =
        v ->
            StubValidation.done(
                StubValidation.withLimit(
                    StubValidation.withResult(StubValidation.accept(), "paid"), 3000));
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(BOB, bob, id);
    receivePullFromAlice(kit, id);
    until(kit, "ongoing", s -> s.status() == Status.Ongoing);
    assertThat(bob.sends.get(0).byteLimit()).isEqualTo(1000);

    kit.runCommand(new RecordProgress(new DataProgress(Direction.QUEUED, 10, 1000, 10, 1000, 10)));
    var limit = kit.runCommand(new PauseAtLimit(1000));

    assertThat(limit.events())
        .extracting(JournalEvent::code)
        .containsExactly(EventCode.DataLimitExceeded);
    assertThat(limit.state().channel().status()).isEqualTo(Status.ResponderPaused);
    Poll.until(
        WAIT,
        "pause sent",
        () ->
            lastMessageOf(bob) instanceof TransferResponse r
                && r.type() == MessageType.UPDATE
                && r.paused());

    kit.runCommand(
        new ReceiveRequest(
            ALICE, TransferRequest.voucher(id.transferId(), StubValidation.voucher("pay"))));
    ChannelState resumed = until(kit, "resumed", s -> s.status() == Status.Ongoing);
    assertThat(resumed.dataLimit()).isEqualTo(3000);
    assertThat(bob.calls).contains("setByteLimit " + id + " 3000");
    assertThat(events.codes(id))
        .containsSubsequence(
            EventCode.DataLimitExceeded,
            EventCode.NewVoucher,
            EventCode.NewVoucherResult,
            EventCode.SetDataLimit,
            EventCode.ResumeResponder);
    TransferResponse result = (TransferResponse) lastMessageOf(bob);
    assertThat(result.type()).isEqualTo(MessageType.VOUCHER_RESULT);
    assertThat(result.paused()).isFalse();
  }

  @Test
  void responderFinalizesThenCompletesOnTheFinalVoucher() {
    RecordingTransport bob = new RecordingTransport(BOB);
    validation.onComplete =
        Optional.of(StubValidation.withResult(StubValidation.pause("settle"), "bill"));
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(BOB, bob, id);
    receivePullFromAlice(kit, id);
    until(kit, "ongoing", s -> s.status() == Status.Ongoing);

    kit.runCommand(new FinishData(null));
    until(kit, "finalizing", s -> s.status() == Status.Finalizing);
    TransferResponse complete = (TransferResponse) lastMessageOf(bob);
    assertThat(complete.type()).isEqualTo(MessageType.COMPLETE);
    assertThat(complete.paused()).isTrue();

    kit.runCommand(
        new ReceiveRequest(
            ALICE, TransferRequest.voucher(id.transferId(), StubValidation.voucher("final"))));
    until(kit, "completed", s -> s.status() == Status.Completed);
    assertThat(events.codes(id))
        .containsExactly(
            EventCode.Open,
            EventCode.Accept,
            EventCode.TransferInitiated,
            EventCode.NewVoucherResult,
            EventCode.BeginFinalizing,
            EventCode.NewVoucher,
            EventCode.ResumeResponder,
            EventCode.CleanupComplete);
    TransferResponse done = (TransferResponse) lastMessageOf(bob);
    assertThat(done.type()).isEqualTo(MessageType.COMPLETE);
    assertThat(done.paused()).isFalse();
    assertThat(bob.calls).contains("close " + id);
  }

  @Test
  void aChannelRecoveredWhileCleaningUpReachesItsTerminalStatus() {
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(ALICE, transport, id);
    java.time.Instant at = java.time.Instant.now();
    kit.initialize(
        new JournalEvent.Opened(
            id, ALICE, BOB, ALICE, ROOT, Selectors.all(), StubValidation.voucher("v1"), at),
        new JournalEvent.TransferStarted(at),
        new JournalEvent.Cancelled("cancelled before the stop", at));

    ChannelState state = until(kit, "cancelled", s -> s.status() == Status.Cancelled);

    assertThat(state.message()).isEqualTo("cancelled before the stop");
    assertThat(events.codes(id))
        .containsExactly(EventCode.CompleteCleanupOnRestart, EventCode.CleanupComplete);
    assertThat(transport.calls).contains("close " + id);
  }

  @Test
  void anUnansweredRequestFailsWhenTheAcceptTimeoutRunsOut() {
    settings = settings.withAcceptTimeout(Duration.ofMillis(200));
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(ALICE, transport, id);
    open(kit, id, true);

    ChannelState state = until(kit, "failed", s -> s.status() == Status.Failed);

    assertThat(state.message()).contains("accept timeout");
    assertThat(lastMessage()).isEqualTo(TransferRequest.cancel(id.transferId()));
  }

  @Test
  void aResponderPausedForAVoucherFailsWhenNoneArrivesInTime() {
    settings = settings.withPausedForVoucherTimeout(Duration.ofMillis(200));
    validation.onRequest = v -> StubValidation.done(StubValidation.pause("pay first"));
    RecordingTransport bob = new RecordingTransport(BOB);
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(BOB, bob, id);

    receivePullFromAlice(kit, id);

    ChannelState state = until(kit, "failed", s -> s.status() == Status.Failed);
    assertThat(state.message()).contains("paused-for-voucher timeout");
    TransferResponse told = (TransferResponse) lastMessageOf(bob);
    assertThat(told.type()).isEqualTo(MessageType.COMPLETE);
    assertThat(told.accepted()).isFalse();
    assertThat(told.message()).contains("paused-for-voucher timeout");
  }

  @Test
  void anInitiatorWhoseDataIsDoneFailsWhenTheResponderNeverConfirms() {
    settings = settings.withCompleteTimeout(Duration.ofMillis(200));
    ChannelId id = newId(ALICE, BOB);
    var kit = ongoingPull(id);

    kit.runCommand(new FinishData(null));

    ChannelState state = until(kit, "failed", s -> s.status() == Status.Failed);
    assertThat(state.message()).contains("complete timeout");
    assertThat(events.codes(id)).containsSubsequence(EventCode.FinishTransfer, EventCode.Error);
  }

  @Test
  void aChannelTheTransportQueuesShowsQueuedWithTheReasonUntilItIsAdmitted() {
    ChannelId id = newId(ALICE, BOB);
    var kit = ongoingPull(id);
    String why = "queued: this node's memory budget is full: 9 MiB of 24 MiB in use (…)";

    var queued = kit.runCommand(new ChannelCommand.MarkQueued(why));

    assertThat(queued.events())
        .extracting(JournalEvent::code)
        .containsExactly(EventCode.TransferRequestQueued);
    assertThat(queued.state().channel().status()).isEqualTo(Status.Queued);
    assertThat(queued.state().channel().message()).isEqualTo(why);

    var admitted = kit.runCommand(new ChannelCommand.MarkAdmitted());

    assertThat(admitted.events())
        .extracting(JournalEvent::code)
        .containsExactly(EventCode.TransferInitiated);
    assertThat(admitted.state().channel().status()).isEqualTo(Status.Ongoing);
    assertThat(admitted.state().channel().message()).isEmpty();
    assertThat(kit.runCommand(new ChannelCommand.MarkAdmitted()).events())
        .as("a channel that is not queued is not started again")
        .isEmpty();
  }

  /**
   * The chaos harness's stuck pulls: a provider killed while a pull waited for a send slot came
   * back with the channel Queued; the client restarted it, the transport had a slot at once (so it
   * never reported the channel admitted), and the data that then moved was not recorded in Queued:
   * the channel never finished. A restart starts a new run, not queued until the transport says so.
   */
  @Test
  void aResponderQueuedWhenItsNodeStoppedMovesOnWhenThePullIsRestarted() {
    RecordingTransport bob = new RecordingTransport(BOB);
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(BOB, bob, id);
    receivePullFromAlice(kit, id);
    until(kit, "ongoing", s -> s.status() == Status.Ongoing);
    kit.runCommand(new ChannelCommand.MarkQueued("queued: 6 channels send to alice already"));
    assertThat(kit.restart().state().channel().status()).isEqualTo(Status.Queued);

    TypedVoucher v1 = StubValidation.voucher("v1");
    kit.runCommand(
        new ReceiveRequest(
            ALICE, TransferRequest.restart(id.transferId(), true, ROOT, Selectors.all(), v1, 0)));

    ChannelState state = until(kit, "ongoing again", s -> s.status() == Status.Ongoing);
    assertThat(state.message()).isEmpty();
    assertThat(events.codes(id))
        .containsSubsequence(
            EventCode.TransferRequestQueued, EventCode.Restart, EventCode.TransferInitiated);
    kit.runCommand(new RecordProgress(new DataProgress(Direction.SENT, 1, 100, 1, 100, 1)));
    assertThat(kit.getState().channel().sent())
        .as("data of the new run is recorded")
        .isEqualTo(100);
  }

  @Test
  void aPushQueuedWhenItsNodeStoppedMovesOnWhenTheResponderAnswersItsRestart() {
    ChannelId id = newId(ALICE, BOB);
    var kit = actor(ALICE, transport, id);
    open(kit, id, false);
    until(kit, "awaiting acceptance", s -> s.status() == Status.AwaitingAcceptance);
    kit.runCommand(
        new ReceiveResponse(
            BOB, new TransferResponse(MessageType.NEW, id.transferId(), true, false, null, 0, "")));
    until(kit, "ongoing", s -> s.status() == Status.Ongoing);
    kit.runCommand(new ChannelCommand.MarkQueued("queued: 6 channels send to bob already"));
    kit.restart();

    kit.<ChannelReply>runCommand(ChannelCommand.Restart::new);
    Poll.until(
        WAIT,
        "restart request",
        () -> lastMessage() instanceof TransferRequest r && r.type() == MessageType.RESTART);
    kit.runCommand(
        new ReceiveResponse(
            BOB,
            new TransferResponse(MessageType.RESTART, id.transferId(), true, false, null, 0, "")));

    assertThat(until(kit, "ongoing again", s -> s.status() == Status.Ongoing).message()).isEmpty();
  }

  @Test
  void aRestartedPullAsksOnlyForTheBlocksItHasNotCounted() {
    ChannelId id = newId(ALICE, BOB);
    var kit = ongoingPull(id);
    kit.runCommand(new RecordProgress(new DataProgress(Direction.RECEIVED, 5, 500, 5, 500, 5)));
    transport.held = 7; // stored, but only 5 were counted before the stop

    var restart = kit.<ChannelReply>runCommand(ChannelCommand.Restart::new);

    assertThat(restart.reply())
        .isInstanceOfSatisfying(
            ChannelReply.RestartAnswer.class,
            a -> assertThat(a.outcome()).isEqualTo(new RestartOutcome.RequestSent()));
    Poll.until(
        WAIT,
        "restart request",
        () -> lastMessage() instanceof TransferRequest r && r.type() == MessageType.RESTART);
    assertThat(((TransferRequest) lastMessage()).receivedBlocks()).isEqualTo(5);
    assertThat(transport.receives.get(transport.receives.size() - 1).countedBlocks()).isEqualTo(5);

    var answered =
        kit.runCommand(
            new ReceiveResponse(
                BOB,
                new TransferResponse(
                    MessageType.RESTART, id.transferId(), true, false, null, 0, "")));
    assertThat(answered.events()).extracting(JournalEvent::code).containsExactly(EventCode.Restart);
    assertThat(answered.state().channel().received()).isEqualTo(500);
  }

  @Test
  void stateSurvivesARestartOfTheActorThroughSnapshotsAndEvents() {
    ChannelId id = newId(ALICE, BOB);
    var kit = ongoingPull(id);
    for (int i = 0; i < 7; i++) {
      kit.runCommand(
          new RecordProgress(new DataProgress(Direction.RECEIVED, 1, 100, 1, 100, i + 1)));
    }
    ChannelState before = kit.getState().channel();

    ChannelState after = kit.restart().state().channel();

    assertThat(after).isEqualTo(before);
    assertThat(after.received()).isEqualTo(700);
  }

  private EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> ongoingPull(
      ChannelId id) {
    var kit = actor(ALICE, transport, id);
    open(kit, id, true);
    until(kit, "awaiting acceptance", s -> s.status() == Status.AwaitingAcceptance);
    kit.runCommand(
        new ReceiveResponse(
            BOB, new TransferResponse(MessageType.NEW, id.transferId(), true, false, null, 0, "")));
    until(kit, "ongoing", s -> s.status() == Status.Ongoing);
    return kit;
  }

  private TransferMessage lastMessage() {
    return lastMessageOf(transport);
  }

  private static TransferMessage lastMessageOf(RecordingTransport t) {
    List<TransferMessage> all = t.messages();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }
}
