package io.ferry.bench.node;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.entity.JournalEvent;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.engine.FerryNode;
import io.ferry.engine.NodeSettings;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import io.ferry.server.LevelDbNative;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.Tagged;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Writes the records of finished channels into a stopped node's journal, fast: the events a
 * completed one-block pull leaves on its client (opened, started, accepted, a block received and
 * its batch, the responder's completion, cleanup), tagged as the channel entity tags them, through
 * Pekko's own LevelDB journal and the node's own serialization (the journal actor of an actor
 * system configured as the node's, {@code WriteMessages} of many channels at once, unsynced: a
 * bench shortcut; the node syncs every write). What the node reads back at its next start is what
 * it would have written itself, less the per-channel write cost.
 */
final class ChannelRecords {
  static final int EVENTS_PER_CHANNEL = 7;
  private static final int CHANNELS_PER_WRITE = 500;

  private ChannelRecords() {}

  /**
   * Writes {@code n} completed pulls of {@code client} from {@code provider} into the journal under
   * {@code home} (the client's home; the node must be stopped), with transfer ids 1 to n.
   */
  static void write(Path home, PeerId client, PeerId provider, int n) throws Exception {
    LevelDbNative.useHome(home);
    NodeSettings settings =
        NodeSettings.forHome(home)
            .withExtra(
                ConfigFactory.parseString(
                    "pekko.persistence.journal.leveldb.fsync = off\n"
                        // 3,500 events a batch: more than the default 10 s on a loaded machine
                        + "pekko.persistence.journal.leveldb.circuit-breaker.call-timeout = 120s\n"
                        + "pekko.log-dead-letters = off\n"
                        + "pekko.loglevel = WARNING"));
    ActorSystem system = ActorSystem.create("ferry-records", FerryNode.systemConfig(settings));
    try {
      ActorRef journal = Persistence.get(system).journalFor("", ConfigFactory.empty());
      String writer = UUID.randomUUID().toString();
      Instant at = Instant.now().minus(Duration.ofDays(1));
      List<AtomicWrite> batch = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        batch.add(channel(new ChannelId(client, provider, i), client, provider, at, writer));
        if (batch.size() == CHANNELS_PER_WRITE || i == n) {
          List<PersistentEnvelope> writes = List.copyOf(batch);
          batch.clear();
          Object reply =
              Patterns.askWithReplyTo(
                      journal,
                      replyTo ->
                          new JournalProtocol.WriteMessages(
                              CollectionConverters.asScala(writes).toList(), replyTo, 1),
                      Duration.ofMinutes(2))
                  .toCompletableFuture()
                  .get(2, TimeUnit.MINUTES);
          if (!(reply instanceof JournalProtocol.WriteMessagesSuccessful$)) {
            throw new IllegalStateException("the journal refused the records: " + reply);
          }
        }
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }
  }

  /** One completed pull's events, as one atomic write. */
  private static AtomicWrite channel(
      ChannelId id, PeerId client, PeerId provider, Instant at, String writer) {
    byte[] data = ByteBuffer.allocate(8).putLong(id.transferId()).array();
    Cid root = Cid.sha256(Multicodec.RAW, data);
    List<JournalEvent> events =
        List.of(
            new JournalEvent.Opened(id, client, provider, client, root, Selectors.all(), null, at)
                .producing(Status.Requested),
            new JournalEvent.TransferStarted(at).producing(Status.Requested),
            new JournalEvent.Accepted(at).producing(Status.Ongoing),
            new JournalEvent.ProgressRecorded(Direction.RECEIVED, 1, data.length, at)
                .producing(Status.Ongoing),
            new JournalEvent.BlocksMoved(Direction.RECEIVED, 1, data.length, 1, at)
                .producing(Status.Ongoing),
            new JournalEvent.ResponderCompleted(at).producing(Status.Completing),
            new JournalEvent.CleanupCompleted(at).producing(Status.Completed));
    String pid = ChannelEntity.persistenceId(id).id();
    List<PersistentRepr> reprs = new ArrayList<>();
    long seq = 1;
    for (JournalEvent e : events) {
      reprs.add(
          PersistentRepr.apply(
              new Tagged(e, Set.of(ChannelEntity.EVENT_TAG)),
              seq++,
              pid,
              "",
              false,
              ActorRef.noSender(),
              writer));
    }
    return new AtomicWrite(CollectionConverters.asScala(reprs).toList());
  }
}
