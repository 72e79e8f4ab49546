package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.Status;
import io.ferry.channels.entity.StoredJournal.Expected;
import io.ferry.channels.entity.StoredJournal.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal written by earlier code recovers to the same channels: the stored samples ({@link
 * StoredJournal}, a real LevelDB journal and snapshot store) hold channels in every status a
 * channel can be stored in and every event type; each channel actor recovered from them must answer
 * with the status, counters, flags and message it had when it was written.
 */
class StoredJournalRecoveryTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private static ActorTestKit kit;
  private static final Node alice = new Node(ALICE);
  private static final Node bob = new Node(BOB);

  @BeforeAll
  static void openTheStoredJournal() throws IOException {
    StoredJournal.copyTo(dir);
    // Cleanup that was under way stays under way, so the recovered status is the stored one.
    alice.listener.holdAll = true;
    bob.listener.holdAll = true;
    kit = ActorTestKit.create("stored-journal-recovery", StoredJournal.config(dir));
  }

  @AfterAll
  static void shutdown() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  @Test
  void everyStoredChannelRecoversToTheStatusAndFieldsItWasWrittenWith() throws IOException {
    List<Expected> expected = StoredJournal.expected();
    List<Expected> recovered = new ArrayList<>();
    for (Expected e : expected) {
      Node node = e.self().equals(ALICE) ? alice : bob;
      ActorRef<ChannelCommand> ref =
          kit.spawn(ChannelEntity.create(e.channelId().toString(), node.env(), null));
      TestProbe<ChannelReply> probe = kit.createTestProbe();
      ref.tell(new ChannelCommand.GetState(probe.ref()));
      ChannelReply reply = probe.receiveMessage(WAIT);
      assertThat(reply).as(e.name()).isInstanceOf(ChannelReply.Receipt.class);
      recovered.add(Expected.of(e.name(), ((ChannelReply.Receipt) reply).state()));
      kit.stop(ref, WAIT);
    }
    assertThat(recovered).containsExactlyElementsOf(expected);
  }

  @Test
  void theSamplesHoldEveryStoredStatusEveryEventTypeAndSnapshots() throws IOException {
    Set<Status> statuses =
        StoredJournal.expected().stream().map(Expected::status).collect(Collectors.toSet());
    assertThat(statuses).isEqualTo(EnumSet.complementOf(EnumSet.of(Status.ChannelNotFoundError)));

    Set<Class<?>> types = new HashSet<>();
    for (Expected e : StoredJournal.expected()) {
      TestProbe<List<JournalEvent>> probe = kit.createTestProbe();
      kit.spawn(EventsOf.behavior(ChannelEntity.persistenceId(e.channelId()), probe.ref()));
      probe.receiveMessage(WAIT).forEach(ev -> types.add(ev.getClass()));
    }
    Set<Class<?>> all = new HashSet<>();
    addRecords(JournalEvent.class, all);
    // Types added after these samples were written; their bytes are pinned in
    // journal-events-v1.tsv (StoredJournalEventsTest), and no journal of older code holds them.
    all.removeAll(NEWER_THAN_THE_SAMPLES);
    assertThat(types).isEqualTo(all);

    try (Stream<Path> snapshots = Files.list(dir.resolve("snapshots"))) {
      assertThat(snapshots).isNotEmpty();
    }
  }

  /** Event types the code that wrote these samples did not have. */
  private static final Set<Class<?>> NEWER_THAN_THE_SAMPLES =
      Set.of(JournalEvent.RestartRequested.class);

  private static void addRecords(Class<?> sealed, Set<Class<?>> out) {
    for (Class<?> type : sealed.getPermittedSubclasses()) {
      if (type.isSealed()) {
        addRecords(type, out);
      } else {
        out.add(type);
      }
    }
  }

  /** Reads one channel's events from the start, ignoring snapshots, and reports them. */
  private static final class EventsOf
      extends EventSourcedBehavior<Object, JournalEvent, List<JournalEvent>> {
    private final ActorRef<List<JournalEvent>> report;

    static Behavior<Object> behavior(PersistenceId id, ActorRef<List<JournalEvent>> report) {
      return new EventsOf(id, report);
    }

    private EventsOf(PersistenceId id, ActorRef<List<JournalEvent>> report) {
      super(id);
      this.report = report;
    }

    @Override
    public List<JournalEvent> emptyState() {
      return new ArrayList<>();
    }

    @Override
    public CommandHandler<Object, JournalEvent, List<JournalEvent>> commandHandler() {
      return newCommandHandlerBuilder().forAnyState().onAnyCommand(() -> Effect().none());
    }

    @Override
    public EventHandler<List<JournalEvent>, JournalEvent> eventHandler() {
      return (events, event) -> {
        events.add(event);
        return events;
      };
    }

    @Override
    public Recovery recovery() {
      return Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());
    }

    @Override
    public SignalHandler<List<JournalEvent>> signalHandler() {
      return newSignalHandlerBuilder()
          .onSignal(RecoveryCompleted.instance(), events -> report.tell(List.copyOf(events)))
          .build();
    }
  }
}
