package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelCommand.Cancel;
import io.ferry.channels.entity.ChannelCommand.CompleteCleanup;
import io.ferry.channels.entity.ChannelCommand.GetState;
import io.ferry.channels.entity.ChannelCommand.Pause;
import io.ferry.channels.entity.ChannelCommand.ReceiveRequest;
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
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What each phase of the channel actor takes, and what it does with the rest. */
class ChannelPhasesTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final AtomicLong transferIds = new AtomicLong(900);
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
  private static final Cid ROOT = Peers.cid("root");

  private final RecordingTransport bob = new RecordingTransport(BOB);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private EventSourcedBehaviorTestKit<ChannelCommand, JournalEvent, EntityState> responder(
      ChannelId id, ChannelListener listener, JournalEvent... history) {
    ChannelEnvironment env =
        new ChannelEnvironment(
            BOB, bob, new StubValidation(), listener, ChannelSettings.defaults());
    var kit =
        EventSourcedBehaviorTestKit.<ChannelCommand, JournalEvent, EntityState>create(
            testKit.system(), ChannelEntity.create(id.toString(), env, null));
    if (history.length > 0) {
      kit.initialize(history);
    }
    return kit;
  }

  private static ChannelId newId() {
    return new ChannelId(ALICE, BOB, transferIds.incrementAndGet());
  }

  /** Bob's view of Alice's pull, accepted and sending. */
  private static JournalEvent[] sending(ChannelId id, JournalEvent... more) {
    JournalEvent[] start = {
      new JournalEvent.Opened(
          id, BOB, BOB, ALICE, ROOT, Selectors.all(), StubValidation.voucher("v"), AT),
      new JournalEvent.Accepted(AT),
      new JournalEvent.TransferStarted(AT)
    };
    JournalEvent[] all = new JournalEvent[start.length + more.length];
    System.arraycopy(start, 0, all, 0, start.length);
    System.arraycopy(more, 0, all, start.length, more.length);
    return all;
  }

  private static RecordProgress progress() {
    return new RecordProgress(new DataProgress(Direction.QUEUED, 1, 100, 1, 100, 1));
  }

  private static TransferRequest restartRequest(ChannelId id) {
    return TransferRequest.restart(
        id.transferId(), true, ROOT, Selectors.all(), StubValidation.voucher("v"), 0);
  }

  @Test
  void withoutAChannelAsksAreAnsweredUnknownAndARestartRequestIsRefused() {
    ChannelId id = newId();
    var kit = responder(id, ChannelListener.none());

    assertThat(kit.getState()).isInstanceOf(EntityState.NoChannel.class);
    assertThat(kit.<ChannelReply>runCommand(GetState::new).reply())
        .isInstanceOf(ChannelReply.Unknown.class);
    assertThat(kit.<ChannelReply>runCommand(Cancel::new).reply())
        .isInstanceOf(ChannelReply.Unknown.class);
    assertThat(kit.<ChannelReply>runCommand(Pause::new).reply())
        .isEqualTo(new ChannelReply.Refusal("no such channel"));
    assertThat(kit.runCommand(progress()).events()).isEmpty();

    kit.runCommand(new ReceiveRequest(ALICE, restartRequest(id)));
    Poll.until(Duration.ofSeconds(5), "refusal", () -> !bob.sent.isEmpty());
    TransferResponse refusal = (TransferResponse) bob.sent.get(0).message();
    assertThat(refusal.type()).isEqualTo(MessageType.RESTART);
    assertThat(refusal.accepted()).isFalse();
    assertThat(refusal.message()).contains("no channel with transfer id " + id.transferId());
  }

  @Test
  void aLiveChannelTakesDataAndPauses() {
    ChannelId id = newId();
    var kit = responder(id, ChannelListener.none(), sending(id));

    assertThat(kit.getState()).isInstanceOf(EntityState.Live.class);
    assertThat(kit.runCommand(progress()).events()).hasSize(2);
    var paused = kit.<ChannelReply>runCommand(Pause::new);
    assertThat(paused.events()).hasSize(1);
    assertThat(paused.state().channel().status()).isEqualTo(Status.ResponderPaused);
  }

  @Test
  void aChannelCleaningUpRefusesChangesAnswersCancelWithItsStateAndEndsWhenCleanupIsDone() {
    ChannelId id = newId();
    ChannelListener holding =
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
            return new CompletableFuture<>(); // never finishes by itself
          }
        };
    var kit = responder(id, holding, sending(id, new JournalEvent.Cancelled("stop", AT)));

    assertThat(kit.getState()).isInstanceOf(EntityState.CleaningUp.class);
    assertThat(kit.<ChannelReply>runCommand(Pause::new).reply())
        .isEqualTo(new ChannelReply.Refusal("channel " + id + " is Cancelling"));
    var cancel = kit.<ChannelReply>runCommand(Cancel::new);
    assertThat(cancel.events()).isEmpty();
    assertThat(cancel.reply()).isInstanceOf(ChannelReply.Receipt.class);
    assertThat(kit.runCommand(progress()).events()).isEmpty();

    var done = kit.runCommand(new CompleteCleanup());
    assertThat(done.events())
        .extracting(e -> e.getClass().getSimpleName())
        .contains("CleanupCompleted");
    assertThat(done.state()).isInstanceOf(EntityState.Ended.class);
    assertThat(done.state().channel().status()).isEqualTo(Status.Cancelled);
  }

  @Test
  void anEndedChannelAnswersRefusesChangesAndTellsARestartingPeerWhy() {
    ChannelId id = newId();
    var kit =
        responder(
            id,
            ChannelListener.none(),
            sending(
                id, new JournalEvent.Cancelled("stop", AT), new JournalEvent.CleanupCompleted(AT)));

    assertThat(kit.getState()).isInstanceOf(EntityState.Ended.class);
    assertThat(kit.<ChannelReply>runCommand(GetState::new).reply())
        .isInstanceOf(ChannelReply.Receipt.class);
    assertThat(kit.<ChannelReply>runCommand(Pause::new).reply())
        .isEqualTo(new ChannelReply.Refusal("channel " + id + " is Cancelled"));
    var cancel = kit.<ChannelReply>runCommand(Cancel::new);
    assertThat(cancel.events()).isEmpty();
    assertThat(cancel.reply()).isInstanceOf(ChannelReply.Refusal.class);
    assertThat(kit.runCommand(new CompleteCleanup()).events()).isEmpty();

    kit.runCommand(new ReceiveRequest(ALICE, restartRequest(id)));
    Poll.until(Duration.ofSeconds(5), "refusal", () -> !bob.sent.isEmpty());
    TransferResponse refusal = (TransferResponse) bob.sent.get(bob.sent.size() - 1).message();
    assertThat(refusal.accepted()).isFalse();
    assertThat(refusal.message()).contains("is Cancelled and cannot restart");
  }
}
