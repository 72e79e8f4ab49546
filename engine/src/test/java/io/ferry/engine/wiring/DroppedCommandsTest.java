package io.ferry.engine.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.entity.ChannelCommand;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.entity.ChannelEnvironment;
import io.ferry.channels.entity.ChannelListener;
import io.ferry.channels.entity.ChannelReply;
import io.ferry.channels.entity.ChannelSettings;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.RecordingTransport;
import io.ferry.channels.testing.StubValidation;
import io.ferry.persistence.journal.LevelDbJournalSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A channel whose stash overflows still answers every command (with a refusal), none is lost. */
class DroppedCommandsTest {
  @TempDir static Path dir;
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit =
        ActorTestKit.create(
            ConfigFactory.parseString("pekko.persistence.typed.stash-capacity = 2")
                .withFallback(LevelDbJournalSettings.under(dir).toConfig())
                .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void everyCommandIsAnsweredEvenWhenTheStashOverflows() {
    ActorRef<Dropped> replier = kit.spawn(DroppedCommands.create());
    kit.system().eventStream().tell(new EventStream.Subscribe<>(Dropped.class, replier));
    TestProbe<Dropped> seen = kit.createTestProbe();
    kit.system().eventStream().tell(new EventStream.Subscribe<>(Dropped.class, seen.getRef()));
    ChannelId id = new ChannelId(Peers.ALICE, Peers.BOB, 1);
    ChannelEnvironment env =
        new ChannelEnvironment(
            Peers.BOB,
            new RecordingTransport(Peers.BOB),
            new StubValidation(),
            ChannelListener.none(),
            ChannelSettings.defaults());
    TestProbe<ChannelReply> replies = kit.createTestProbe();

    // Sent while the actor recovers: only two fit in its stash.
    ActorRef<ChannelCommand> channel = kit.spawn(ChannelEntity.create(id.toString(), env, null));
    int sent = 50;
    for (int i = 0; i < sent; i++) {
      channel.tell(new ChannelCommand.GetState(replies.getRef()));
    }

    List<ChannelReply> answers = new ArrayList<>();
    for (int i = 0; i < sent; i++) {
      answers.add(replies.receiveMessage(Duration.ofSeconds(10)));
    }
    long refused = answers.stream().filter(a -> a instanceof ChannelReply.Refusal).count();
    assertThat(seen.receiveMessage(Duration.ofSeconds(10)).reason()).contains("full");
    assertThat(refused).isPositive();
    assertThat(answers)
        .filteredOn(a -> a instanceof ChannelReply.Refusal)
        .allSatisfy(a -> assertThat(((ChannelReply.Refusal) a).reason()).contains("too busy"));
    assertThat(answers).filteredOn(a -> a instanceof ChannelReply.Unknown).isNotEmpty();
  }
}
