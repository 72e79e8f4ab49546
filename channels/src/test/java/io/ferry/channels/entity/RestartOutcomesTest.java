package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.Status;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.RecordingTransport;
import io.ferry.channels.testing.StubValidation;
import io.ferry.ipld.selector.Selectors;
import java.time.Instant;
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
    ChannelEnvironment env =
        new ChannelEnvironment(
            self,
            new RecordingTransport(self),
            new StubValidation(),
            ChannelListener.none(),
            ChannelSettings.defaults());
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
  void anInitiatorHoldingAllItsDataHasNothingToRestart() {
    ChannelId id = newId();
    var kit =
        channel(
            ALICE,
            id,
            pull(id, ALICE),
            new JournalEvent.TransferStarted(AT),
            new JournalEvent.Accepted(AT),
            new JournalEvent.TransferFinished(AT));

    assertThat(restart(kit))
        .isInstanceOfSatisfying(
            RestartOutcome.NothingToRestart.class,
            n -> assertThat(n.why()).contains("TransferFinished"));
  }

  @Test
  void aResponderWaitingForTheFinalVoucherHasNothingToRestart() {
    ChannelId id = newId();
    var kit =
        channel(
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
