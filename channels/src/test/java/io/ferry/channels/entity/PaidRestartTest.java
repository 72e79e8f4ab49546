package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelCommand.PauseAtLimit;
import io.ferry.channels.entity.ChannelCommand.ReceiveRequest;
import io.ferry.channels.entity.ChannelCommand.RecordProgress;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.RecordingTransport;
import io.ferry.channels.testing.StubValidation;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The provider of a paid pull (responder, sender) restarted while it waits for payment at its data
 * limit, with blocks it had counted lost in flight: it resends those, and only those, until paid.
 */
class PaidRestartTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final AtomicLong transferIds = new AtomicLong(9_000);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Cid ROOT = Peers.cid("root");

  private final RecordingTransport bob = new RecordingTransport(BOB);
  private final StubValidation validation = new StubValidation();
  private final ChannelId id = new ChannelId(ALICE, BOB, transferIds.incrementAndGet());
  private final EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> kit =
      EventSourcedBehaviorTestKit.create(
          testKit.system(),
          ChannelEntity.create(
              id.toString(),
              new ChannelEnvironment(
                  BOB, bob, validation, new RecordedEvents(), ChannelSettings.defaults()),
              null));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /**
   * Bob accepted Alice's pull with a limit of 1000 bytes, queued 10 blocks of 100 bytes, of which
   * only 8 were written before the connection dropped, and paused at the limit for payment.
   */
  private void pausedAtTheLimitWithTwoBlocksLostUnsent() {
    validation.onRequest =
        v -> StubValidation.done(StubValidation.withLimit(StubValidation.accept(), 1000));
    kit.runCommand(
        new ReceiveRequest(
            ALICE,
            TransferRequest.open(
                id.transferId(), true, ROOT, Selectors.all(), StubValidation.voucher("v1"))));
    Poll.until(WAIT, "ongoing", () -> status() == Status.Ongoing);
    kit.runCommand(new RecordProgress(new DataProgress(Direction.QUEUED, 10, 1000, 10, 1000, 10)));
    kit.runCommand(new RecordProgress(new DataProgress(Direction.SENT, 8, 800, 8, 800, 8)));
    kit.runCommand(new PauseAtLimit(1000));
    assertThat(status()).isEqualTo(Status.ResponderPaused);
  }

  private Status status() {
    ChannelState s = kit.getState().channel();
    return s == null ? null : s.status();
  }

  /** Alice restarts, holding 6 blocks; the validator still wants payment first. */
  private void aliceRestartsHolding(long blocks) {
    validation.onRequest =
        v ->
            StubValidation.done(
                StubValidation.withLimit(StubValidation.pause("payment due"), 1000));
    int before = bob.sends.size();
    kit.runCommand(
        new ReceiveRequest(
            ALICE,
            TransferRequest.restart(
                id.transferId(),
                true,
                ROOT,
                Selectors.all(),
                StubValidation.voucher("v1"),
                blocks)));
    Poll.until(WAIT, "the sending side reopened", () -> bob.sends.size() > before);
  }

  @Test
  void aProviderRestartedAtItsLimitResendsTheBlocksItCountedAndHoldsNewData() {
    pausedAtTheLimitWithTwoBlocksLostUnsent();

    aliceRestartsHolding(6);

    DataRequest reopened = bob.sends.get(bob.sends.size() - 1);
    assertThat(reopened.startIndex()).isEqualTo(6);
    assertThat(reopened.countedBlocks()).isEqualTo(10);
    assertThat(reopened.byteLimit()).as("repeats only").isZero();
    assertThat(reopened.paused()).as("the repeats go out whatever the pause").isFalse();
    assertThat(bob.calls).doesNotContain("pause " + id);
    Poll.until(
        WAIT,
        "restart answered paused",
        () ->
            bob.sent.stream()
                .anyMatch(
                    m ->
                        m.message() instanceof TransferResponse r
                            && r.type() == MessageType.RESTART
                            && r.accepted()
                            && r.paused()));
    assertThat(status()).isEqualTo(Status.ResponderPaused);
  }

  @Test
  void blocksQueuedButLostBeforeTheRestartAreResentAsRepeatsNotCountedTwice() {
    pausedAtTheLimitWithTwoBlocksLostUnsent();

    aliceRestartsHolding(8);

    DataRequest reopened = bob.sends.get(bob.sends.size() - 1);
    assertThat(reopened.isFirstTime(8)).isFalse();
    assertThat(reopened.isFirstTime(9)).isFalse();
    assertThat(reopened.isFirstTime(10)).isTrue();
    ChannelState state = kit.getState().channel();
    assertThat(state.queued()).isEqualTo(1000);
    assertThat(state.queued()).isEqualTo(state.dataLimit());
  }

  @Test
  void aLimitReportFromATransportAllowedOnlyRepeatsDoesNotPauseAResumedProvider() {
    validation.onRequest =
        v ->
            StubValidation.done(
                StubValidation.withLimit(StubValidation.pause("unseal price due"), 1000));
    kit.runCommand(
        new ReceiveRequest(
            ALICE,
            TransferRequest.open(
                id.transferId(), true, ROOT, Selectors.all(), StubValidation.voucher("v1"))));
    Poll.until(WAIT, "accepted paused", () -> !bob.sends.isEmpty());
    assertThat(bob.sends.get(0).byteLimit()).as("repeats only").isZero();
    kit.runCommand(
        new ReceiveRequest(
            ALICE, TransferRequest.voucher(id.transferId(), StubValidation.voucher("unseal"))));
    Poll.until(WAIT, "resumed", () -> status() == Status.Ongoing);

    var stale = kit.runCommand(new PauseAtLimit(0));

    assertThat(stale.events()).isEmpty();
    assertThat(stale.state().channel().responderPaused()).isFalse();
    assertThat(bob.calls).contains("setByteLimit " + id + " 1000");
  }

  @Test
  void aLimitReportBelowTheChannelsLimitLetsTheTransportQueueWhatTheChannelHasLeft() {
    // The transport counts first-time bytes since it was opened; when its count and the channel's
    // disagree (it held at 300 while the channel has queued 600 of 1000), nobody would ask for
    // payment and the transport would wait for good: it is given the 400 bytes left.
    validation.onRequest =
        v -> StubValidation.done(StubValidation.withLimit(StubValidation.accept(), 1000));
    kit.runCommand(
        new ReceiveRequest(
            ALICE,
            TransferRequest.open(
                id.transferId(), true, ROOT, Selectors.all(), StubValidation.voucher("v1"))));
    Poll.until(WAIT, "ongoing", () -> status() == Status.Ongoing);
    kit.runCommand(new RecordProgress(new DataProgress(Direction.QUEUED, 6, 600, 6, 600, 6)));

    var early = kit.runCommand(new PauseAtLimit(300));

    assertThat(early.events()).isEmpty();
    assertThat(early.state().channel().responderPaused()).isFalse();
    assertThat(bob.calls).contains("setByteLimit " + id + " 700");
  }

  @Test
  void aPaymentThatRaisesTheLimitLetsTheReopenedProviderSendNewData() {
    pausedAtTheLimitWithTwoBlocksLostUnsent();
    aliceRestartsHolding(6);
    validation.onVoucher =
        v ->
            StubValidation.done(
                StubValidation.withLimit(
                    StubValidation.withResult(StubValidation.resume(), "paid"), 3000));

    kit.runCommand(
        new ReceiveRequest(
            ALICE, TransferRequest.voucher(id.transferId(), StubValidation.voucher("pay"))));

    Poll.until(WAIT, "resumed", () -> status() == Status.Ongoing);
    Poll.until(WAIT, "limit raised", () -> bob.calls.contains("setByteLimit " + id + " 2000"));
    assertThat(bob.calls).contains("resume " + id);
  }
}
