package io.ferry.channels.entity;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.testing.RecordingTransport;
import io.ferry.channels.testing.StubValidation;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.DataTransport;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransportHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The stored journal samples of {@code src/test/resources/journal-v1}: a real LevelDB journal and
 * local snapshot store, as a node writes them, holding channels that ended in every status a
 * channel can be stored in and, between them, every {@link JournalEvent} type. {@link
 * StoredJournalWriter} wrote them once with the code of the time; {@link StoredJournalRecoveryTest}
 * recovers them with today's code. This class holds what both share: where the files are, the Pekko
 * settings that open them, the channel settings, and the surroundings of the two nodes.
 */
final class StoredJournal {
  private StoredJournal() {}

  /** The samples' classpath directory. */
  static final String RESOURCE = "/journal-v1";

  /** The file naming each stored channel and what it recovers to. */
  static final String EXPECTED = "expected.tsv";

  /**
   * Pekko settings for a LevelDB journal (leveldbjni, as a node) and snapshots under {@code dir}.
   */
  static Config config(Path dir) {
    return ConfigFactory.parseMap(
            Map.of(
                "pekko.persistence.journal.plugin", "pekko.persistence.journal.leveldb",
                "pekko.persistence.journal.leveldb.dir", dir.resolve("journal").toString(),
                "pekko.persistence.journal.leveldb.native", "on",
                "pekko.persistence.journal.leveldb.fsync", "on",
                "pekko.persistence.snapshot-store.plugin", "pekko.persistence.snapshot-store.local",
                "pekko.persistence.snapshot-store.local.dir", dir.resolve("snapshots").toString()))
        .withFallback(ConfigFactory.load());
  }

  /**
   * Settings under which nothing happens by itself while a test looks: waits and restart backoffs
   * of an hour, two restart attempts, a snapshot every six events (so long channels recover from a
   * snapshot and the events after it).
   */
  static ChannelSettings settings() {
    Duration hour = Duration.ofHours(1);
    return ChannelSettings.defaults()
        .withAcceptTimeout(hour)
        .withPausedForVoucherTimeout(hour)
        .withCompleteTimeout(hour)
        .withFinalizationTimeout(hour)
        .withSnapshotEvery(6)
        .withRestarts(new ChannelSettings.Restarts(hour, hour, 2));
  }

  /** Copies the stored samples into {@code target} (LevelDB opens its files for writing). */
  static void copyTo(Path target) throws IOException {
    URL url = StoredJournal.class.getResource(RESOURCE);
    assertThat(url).as("resource %s", RESOURCE).isNotNull();
    Path source;
    try {
      source = Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    try (Stream<Path> files = Files.walk(source)) {
      for (Path from : (Iterable<Path>) files::iterator) {
        Path to = target.resolve(source.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** What one stored channel recovers to: its status and the fields the events changed. */
  record Expected(
      String name,
      ChannelId channelId,
      PeerId self,
      Status status,
      long queued,
      long sent,
      long received,
      long dataLimit,
      boolean requiresFinalization,
      boolean initiatorPaused,
      boolean responderPaused,
      boolean stalled,
      int restartAttempts,
      int vouchers,
      int voucherResults,
      String message) {

    static Expected of(String name, ChannelState s) {
      return new Expected(
          name,
          s.channelId(),
          s.selfPeer(),
          s.status(),
          s.queued(),
          s.sent(),
          s.received(),
          s.dataLimit(),
          s.requiresFinalization(),
          s.initiatorPaused(),
          s.responderPaused(),
          s.stalled(),
          s.restartAttempts(),
          (int) s.voucherCount(),
          (int) s.voucherResultCount(),
          s.message());
    }

    static final String HEADER =
        "# name\tchannel\tself\tstatus\tqueued\tsent\treceived\tdataLimit\trequiresFinalization"
            + "\tinitiatorPaused\tresponderPaused\tstalled\trestartAttempts\tvouchers"
            + "\tvoucherResults\tmessage";

    String line() {
      return String.join(
          "\t",
          name,
          channelId.toString(),
          self.toString(),
          status.name(),
          Long.toString(queued),
          Long.toString(sent),
          Long.toString(received),
          Long.toString(dataLimit),
          Boolean.toString(requiresFinalization),
          Boolean.toString(initiatorPaused),
          Boolean.toString(responderPaused),
          Boolean.toString(stalled),
          Integer.toString(restartAttempts),
          Integer.toString(vouchers),
          Integer.toString(voucherResults),
          message);
    }

    static Expected parse(String line) {
      String[] f = line.split("\t", -1);
      assertThat(f).as("columns of %s", line).hasSize(16);
      return new Expected(
          f[0],
          ChannelId.parse(f[1]),
          PeerId.parse(f[2]),
          Status.valueOf(f[3]),
          Long.parseLong(f[4]),
          Long.parseLong(f[5]),
          Long.parseLong(f[6]),
          Long.parseLong(f[7]),
          Boolean.parseBoolean(f[8]),
          Boolean.parseBoolean(f[9]),
          Boolean.parseBoolean(f[10]),
          Boolean.parseBoolean(f[11]),
          Integer.parseInt(f[12]),
          Integer.parseInt(f[13]),
          Integer.parseInt(f[14]),
          f[15]);
    }
  }

  /** The stored channels and what each recovers to. */
  static List<Expected> expected() throws IOException {
    try (InputStream in = StoredJournal.class.getResourceAsStream(RESOURCE + "/" + EXPECTED)) {
      assertThat(in).as("resource %s/%s", RESOURCE, EXPECTED).isNotNull();
      List<Expected> out = new ArrayList<>();
      for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!l.isBlank() && !l.startsWith("#")) {
          out.add(Expected.parse(l));
        }
      }
      return out;
    }
  }

  /**
   * One node's surroundings: a recording transport that can hold a pull's receiver forever (so a
   * channel stays Requested), a stub validator, and a listener that can hold a channel's cleanup
   * forever (so it stays Completing, Failing or Cancelling).
   */
  static final class Node {
    final PeerId self;
    final HoldingTransport transport;
    final StubValidation validation = new StubValidation();
    final HeldCleanups listener = new HeldCleanups();

    Node(PeerId self) {
      this.self = self;
      this.transport = new HoldingTransport(new RecordingTransport(self));
    }

    ChannelEnvironment env() {
      return new ChannelEnvironment(self, transport, validation, listener, settings());
    }
  }

  /** A recording transport whose {@code openReceive} never answers for the channels named. */
  static final class HoldingTransport implements DataTransport {
    final RecordingTransport recorded;
    final Set<ChannelId> heldReceives = ConcurrentHashMap.newKeySet();

    HoldingTransport(RecordingTransport recorded) {
      this.recorded = recorded;
    }

    @Override
    public PeerId self() {
      return recorded.self();
    }

    @Override
    public void bind(TransportHandler handler) {
      recorded.bind(handler);
    }

    @Override
    public CompletionStage<Void> send(PeerId to, TransferMessage message) {
      return recorded.send(to, message);
    }

    @Override
    public CompletionStage<Long> openReceive(DataRequest request) {
      return heldReceives.contains(request.channelId())
          ? new CompletableFuture<>()
          : recorded.openReceive(request);
    }

    @Override
    public CompletionStage<Void> openSend(DataRequest request, TransferMessage message) {
      return recorded.openSend(request, message);
    }

    @Override
    public void setByteLimit(ChannelId channelId, long byteLimit) {
      recorded.setByteLimit(channelId, byteLimit);
    }

    @Override
    public void pause(ChannelId channelId) {
      recorded.pause(channelId);
    }

    @Override
    public void resume(ChannelId channelId) {
      recorded.resume(channelId);
    }

    @Override
    public void close(ChannelId channelId) {
      recorded.close(channelId);
    }

    @Override
    public void close() {
      recorded.close();
    }
  }

  /** A listener whose cleanup never finishes for the channels named (all, when holdAll). */
  static final class HeldCleanups implements ChannelListener {
    final Set<ChannelId> held = ConcurrentHashMap.newKeySet();
    volatile boolean holdAll;

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
      return holdAll || held.contains(state.channelId())
          ? new CompletableFuture<>()
          : CompletableFuture.completedFuture(null);
    }
  }
}
