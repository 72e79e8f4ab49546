package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.ipld.selector.Selectors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Journals written by earlier builds stay readable: {@code journal-events-v1.tsv} holds one event
 * of every {@link JournalEvent} type as Pekko's {@code jackson-cbor} serializer wrote it, with the
 * event code, message and field changes that build gave it. Each line is read back and must mean
 * the same. The file is written once by {@link #writeSamples()} (run with {@code
 * -Dferry.journalSamples.write=<path>}) and never regenerated for a changed event: a change that
 * breaks these lines breaks every journal in the field.
 */
class StoredJournalEventsTest {
  private static final String RESOURCE = "/journal-events-v1.tsv";
  private static final ActorSystem system =
      ActorSystem.create("stored-journal-events", ConfigFactory.load());
  private static final Serialization serialization = SerializationExtension.get(system);
  private static final ObjectMapper json =
      JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());

  @AfterAll
  static void shutdown() {
    system.terminate();
  }

  /** One event of every type, with every component set. */
  private static List<JournalEvent> samples() {
    Instant at = Instant.parse("2024-05-01T12:00:00Z");
    TypedVoucher voucher = new TypedVoucher("ferry/test", new byte[] {1, 2, 3});
    ChannelId id = new ChannelId(ALICE, BOB, 42);
    return List.of(
        new JournalEvent.Opened(
            id, ALICE, BOB, ALICE, Peers.cid("root"), Selectors.all(), voucher, at),
        new JournalEvent.TransferStarted(at),
        new JournalEvent.TransferQueued(at),
        new JournalEvent.Accepted(at),
        new JournalEvent.Restarted(at),
        new JournalEvent.ProgressRecorded(Direction.RECEIVED, 3, 300, at),
        new JournalEvent.BlocksMoved(Direction.SENT, 4, 400, 9, at),
        new JournalEvent.VoucherSent(new TypedVoucher("ferry/test", new byte[] {4}), at),
        new JournalEvent.VoucherReceived(new TypedVoucher("ferry/test", new byte[] {5}), at),
        new JournalEvent.VoucherResultRecorded(new TypedVoucher("ferry/ok", new byte[] {6}), at),
        new JournalEvent.DataLimitSet(1000, at),
        new JournalEvent.FinalizationRequired(at),
        new JournalEvent.Paused(Side.RESPONDER, "waiting for payment", at),
        new JournalEvent.Resumed(Side.INITIATOR, at),
        new JournalEvent.DataLimitReached(1000, at),
        new JournalEvent.TransferFinished(at),
        new JournalEvent.ResponderCompleted(at),
        new JournalEvent.ResponderFinalizing(at),
        new JournalEvent.FinalizationBegun(at),
        new JournalEvent.CompletionBegun(at),
        new JournalEvent.Cancelled("user cancelled", at),
        new JournalEvent.Failed("validator refused", at),
        new JournalEvent.CleanupCompleted(at),
        new JournalEvent.CleanupResumed(at),
        new JournalEvent.RestartFailed("no answer", at),
        new JournalEvent.Disconnected("peer gone", at),
        new JournalEvent.MessageNotSent("connection refused", at),
        new JournalEvent.RestartRequested("0b7e8c1e-3f5a-4c1e-9d2a-5e6f7a8b9c0d", at));
  }

  /** The state every sample's field changes are applied to: the opened channel, paused once. */
  private static ChannelState base() {
    JournalEvent.Opened opened = (JournalEvent.Opened) samples().get(0);
    return opened.newState().withInitiatorPaused(true).withRestartAttempts(2).withStalled(true);
  }

  /**
   * Fields the stored state gained after the samples were written: the voucher counts, since the
   * state keeps only the opening and the latest voucher (issue 19). The samples' field changes are
   * compared without them; {@link ChannelStateVouchersTest} covers them.
   */
  private static final Set<String> ADDED_SINCE = Set.of("voucherCount", "voucherResultCount");

  private static String effect(JournalEvent event) throws IOException {
    ChannelState after =
        event instanceof JournalEvent.Opened o ? o.newState() : event.applyTo(base());
    com.fasterxml.jackson.databind.node.ObjectNode tree = json.valueToTree(after);
    ADDED_SINCE.forEach(tree::remove);
    return json.writeValueAsString(tree);
  }

  private record Line(
      String type,
      int serializerId,
      String manifest,
      byte[] bytes,
      String code,
      String message,
      String effect) {
    static Line parse(String text) {
      String[] f = text.split("\t", -1);
      assertThat(f).as("columns of %s", text).hasSize(7);
      return new Line(
          f[0], Integer.parseInt(f[1]), f[2], Base64.getDecoder().decode(f[3]), f[4], f[5], f[6]);
    }
  }

  private static List<Line> stored() throws IOException {
    try (InputStream in = StoredJournalEventsTest.class.getResourceAsStream(RESOURCE)) {
      assertThat(in).as("resource %s", RESOURCE).isNotNull();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<Line> lines = new ArrayList<>();
      for (String l = reader.readLine(); l != null; l = reader.readLine()) {
        if (!l.isBlank() && !l.startsWith("#")) {
          lines.add(Line.parse(l));
        }
      }
      return lines;
    }
  }

  /** The record's name today, of a record stored as {@code storedType}. */
  private static String nameNow(String storedType) {
    Class<?> renamed =
        RenamedJournalEvents.RENAMED.get(JournalEvent.class.getName() + "$" + storedType);
    return renamed == null ? storedType : renamed.getSimpleName();
  }

  @Test
  void aRenamedRecordIsReadFromItsOldName() throws Exception {
    Line old =
        stored().stream().filter(l -> l.type().equals("Completed")).findFirst().orElseThrow();
    Object read = serialization.deserialize(old.bytes(), old.serializerId(), old.manifest()).get();
    assertThat(read).isInstanceOf(JournalEvent.CompletionBegun.class);
  }

  @Test
  void everyStoredEventIsReadBackWithTheSameCodeMessageAndFieldChanges() throws Exception {
    List<Line> lines = stored();
    assertThat(lines).isNotEmpty();
    for (Line line : lines) {
      Object read =
          serialization.deserialize(line.bytes(), line.serializerId(), line.manifest()).get();
      assertThat(read).as(line.type()).isInstanceOf(JournalEvent.class);
      JournalEvent event = (JournalEvent) read;
      assertThat(event.getClass().getSimpleName()).isEqualTo(nameNow(line.type()));
      assertThat(event.code().name()).as("code of %s", line.type()).isEqualTo(line.code());
      assertThat(event.message()).as("message of %s", line.type()).isEqualTo(line.message());
      assertThat(effect(event)).as("field changes of %s", line.type()).isEqualTo(line.effect());
    }
  }

  @Test
  void eventsRecordTheStatusTheyProducedAndOlderOnesReadBackWithout() throws Exception {
    JournalEvent event =
        new JournalEvent.Paused(Side.RESPONDER, "waiting for payment", Instant.EPOCH)
            .producing(io.ferry.channels.Status.ResponderPaused);
    Serializer serializer = serialization.findSerializerFor(event);
    Object back =
        serialization
            .deserialize(
                serialization.serialize(event).get(),
                serializer.identifier(),
                Serializers.manifestFor(serializer, event))
            .get();
    assertThat(back).isEqualTo(event);
    for (Line line : stored()) {
      JournalEvent old =
          (JournalEvent)
              serialization.deserialize(line.bytes(), line.serializerId(), line.manifest()).get();
      assertThat(old.status()).as(line.type()).isNull();
    }
  }

  @Test
  void theStoredSamplesCoverEveryEventType() throws IOException {
    Set<String> stored = stored().stream().map(l -> nameNow(l.type())).collect(Collectors.toSet());
    Set<String> types = new HashSet<>();
    addRecords(JournalEvent.class, types);
    assertThat(stored).isEqualTo(types);
  }

  private static void addRecords(Class<?> sealed, Set<String> names) {
    for (Class<?> type : sealed.getPermittedSubclasses()) {
      if (type.isSealed()) {
        addRecords(type, names);
      } else {
        names.add(type.getSimpleName());
      }
    }
  }

  @Test
  void eventsWrittenTodayAreTheStoredOnesButForTheirInstants() throws IOException {
    List<Line> lines = stored();
    for (JournalEvent event : samples()) {
      Line line =
          lines.stream()
              .filter(l -> nameNow(l.type()).equals(event.getClass().getSimpleName()))
              .findFirst()
              .orElseThrow();
      Serializer serializer = serialization.findSerializerFor(event);
      assertThat(serializer.identifier()).isEqualTo(line.serializerId());
      assertThat(Serializers.manifestFor(serializer, event))
          .isEqualTo(
              RenamedJournalEvents.RENAMED.containsKey(line.manifest())
                  ? RenamedJournalEvents.RENAMED.get(line.manifest()).getName()
                  : line.manifest());
      assertThat(cbor.readTree(serialization.serialize(event).get()))
          .as(line.type())
          .isEqualTo(withInstantsAsNanos(cbor.readTree(line.bytes())));
    }
  }

  private static final ObjectMapper cbor =
      new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();

  /**
   * The stored sample as this version writes it: the same CBOR but for its instants, which the
   * samples hold as ISO text and {@link EpochNanosModule} now writes as integers of nanoseconds.
   * Every other byte of the form is held to the samples.
   */
  private static com.fasterxml.jackson.databind.JsonNode withInstantsAsNanos(
      com.fasterxml.jackson.databind.JsonNode stored) {
    if (stored instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
      object.fields().forEachRemaining(f -> f.setValue(withInstantsAsNanos(f.getValue())));
    } else if (stored instanceof com.fasterxml.jackson.databind.node.ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, withInstantsAsNanos(array.get(i)));
      }
    } else if (stored.isTextual() && stored.asText().matches("\\d{4}-\\d{2}-\\d{2}T.*Z")) {
      Instant at = Instant.parse(stored.asText());
      return com.fasterxml.jackson.databind.node.LongNode.valueOf(
          at.getEpochSecond() * 1_000_000_000L + at.getNano());
    }
    return stored;
  }

  /** Writes the sample file; run once, by hand, when a new event type is added. */
  @Test
  @EnabledIfSystemProperty(named = "ferry.journalSamples.write", matches = ".+")
  void writeSamples() throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("# type\tserializer\tmanifest\tcbor (base64)\tcode\tmessage\tfield changes\n");
    for (JournalEvent event : samples()) {
      Serializer serializer = serialization.findSerializerFor(event);
      out.append(event.getClass().getSimpleName())
          .append('\t')
          .append(serializer.identifier())
          .append('\t')
          .append(Serializers.manifestFor(serializer, event))
          .append('\t')
          .append(Base64.getEncoder().encodeToString(serialization.serialize(event).get()))
          .append('\t')
          .append(event.code().name())
          .append('\t')
          .append(event.message())
          .append('\t')
          .append(effect(event))
          .append('\n');
    }
    Files.writeString(Path.of(System.getProperty("ferry.journalSamples.write")), out);
  }
}
