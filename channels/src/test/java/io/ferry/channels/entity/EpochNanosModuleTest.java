package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.testing.Peers;
import io.ferry.ipld.selector.Selectors;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The journal's instants go through Pekko's {@code jackson-cbor} serializer as integers of
 * nanoseconds, exactly, and earlier journals' ISO text still reads ({@link StoredJournalEventsTest}
 * reads every event type as an earlier build wrote it).
 */
class EpochNanosModuleTest {
  private static final ActorSystem system = ActorSystem.create("epoch-nanos", ConfigFactory.load());
  private static final Serialization serialization = SerializationExtension.get(system);

  /** An instant with nanoseconds, which ISO text and a long of nanoseconds both keep. */
  private static final Instant AT = Instant.parse("2026-12-07T14:30:00.123456789Z");

  @AfterAll
  static void shutdown() {
    system.terminate();
  }

  private static JournalEvent roundTrip(JournalEvent event) {
    byte[] bytes = serialization.serialize(event).get();
    return (JournalEvent)
        serialization
            .deserialize(
                bytes,
                serialization.findSerializerFor(event).identifier(),
                org.apache.pekko.serialization.Serializers.manifestFor(
                    serialization.findSerializerFor(event), event))
            .get();
  }

  @Test
  void aJournalEventKeepsItsInstantToTheNanosecondWithoutText() {
    JournalEvent.Opened opened =
        new JournalEvent.Opened(
            new ChannelId(ALICE, BOB, 7),
            ALICE,
            BOB,
            ALICE,
            Peers.cid("root"),
            Selectors.all(),
            new TypedVoucher("ferry/test", new byte[] {1}),
            AT);
    byte[] bytes = serialization.serialize(opened).get();

    assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("2026-12-07");
    assertThat(roundTrip(opened)).isEqualTo(opened);
    assertThat(roundTrip(new JournalEvent.TransferFinished(AT)).at()).isEqualTo(AT);
  }

  @Test
  void instantsBeyondALongOfNanosecondsGoAsText() {
    Instant far = Instant.parse("2300-01-01T00:00:00.5Z");
    Instant early = Instant.parse("1600-01-01T00:00:00Z");

    assertThat(roundTrip(new JournalEvent.TransferFinished(far)).at()).isEqualTo(far);
    assertThat(roundTrip(new JournalEvent.TransferFinished(early)).at()).isEqualTo(early);
    Instant before1970 = Instant.parse("1969-12-31T23:59:59.999999999Z");
    assertThat(roundTrip(new JournalEvent.TransferFinished(before1970)).at()).isEqualTo(before1970);
  }

  @Test
  void theCborMapperReadsIsoTextAndDecimalSecondsAsEarlierWritersWroteThem() throws Exception {
    ObjectMapper cbor =
        JacksonObjectMapperProvider.get(system).getOrCreate("jackson-cbor", Optional.empty());
    CBORMapper plain = new CBORMapper();

    byte[] text = plain.writeValueAsBytes(AT.toString());
    byte[] decimal = plain.writeValueAsBytes(new java.math.BigDecimal("1796653800.123456789"));
    byte[] nanos = plain.writeValueAsBytes(1_796_653_800_123_456_789L);

    assertThat(cbor.readValue(text, Instant.class)).isEqualTo(AT);
    assertThat(cbor.readValue(decimal, Instant.class)).isEqualTo(AT);
    assertThat(cbor.readValue(nanos, Instant.class)).isEqualTo(AT);
  }

  @Test
  void theJsonBindingKeepsIsoText() throws Exception {
    ObjectMapper json =
        JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());

    assertThat(json.writeValueAsString(new JournalEvent.TransferFinished(AT)))
        .contains("\"2026-12-07T14:30:00.123456789Z\"");
  }
}
