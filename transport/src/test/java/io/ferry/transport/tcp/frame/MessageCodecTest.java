package io.ferry.transport.tcp.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import io.ferry.channels.ChannelId;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import io.ferry.transport.identity.NodeIdentity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageCodecTest {
  private static final Cid ROOT =
      Cid.sha256(Multicodec.DAG_PB, "root".getBytes(StandardCharsets.UTF_8));
  private static final TypedVoucher VOUCHER =
      new TypedVoucher("paid/1", new byte[] {(byte) 0xa1, 0x61, 0x61, 0x01});
  private static final ChannelId CHANNEL =
      new ChannelId(
          NodeIdentity.generate().peerId(), NodeIdentity.generate().peerId(), Long.MIN_VALUE + 7);

  static Stream<TransferMessage> everyMessage() {
    return Stream.of(
        TransferRequest.open(1, true, ROOT, Selectors.all(), VOUCHER),
        TransferRequest.open(2, false, ROOT, Selectors.depth(3), null),
        TransferRequest.restart(3, true, ROOT, Selectors.all(), VOUCHER, 1234),
        TransferRequest.update(4, true),
        TransferRequest.update(4, false),
        TransferRequest.cancel(-1L),
        TransferRequest.voucher(5, VOUCHER),
        TransferRequest.restartExistingChannel(CHANNEL),
        new TransferResponse(MessageType.NEW, 6, true, false, VOUCHER, 0, ""),
        new TransferResponse(MessageType.NEW, 6, false, false, null, 0, "no such deal"),
        TransferResponse.update(7, true),
        TransferResponse.cancel(8),
        new TransferResponse(MessageType.COMPLETE, 9, true, true, VOUCHER, 0, ""),
        new TransferResponse(MessageType.VOUCHER_RESULT, 10, true, false, VOUCHER, 0, ""),
        new TransferResponse(MessageType.RESTART, 11, true, false, null, 99, ""));
  }

  @ParameterizedTest
  @MethodSource("everyMessage")
  void everyMessageRoundTrips(TransferMessage message) {
    assertThat(MessageCodec.decode(MessageCodec.encode(message))).isEqualTo(message);
  }

  @ParameterizedTest
  @MethodSource("everyMessage")
  void everyMessageTravelsInAFrame(TransferMessage message) {
    Frame decoded = FrameCodec.decode(FrameCodec.encode(new Frame.Message(message)).drop(4));

    assertThat(decoded).isEqualTo(new Frame.Message(message));
  }

  @Test
  void requestsUseGoDataTransfersShortKeysInLengthFirstOrder() throws IOException {
    byte[] cbor =
        MessageCodec.encode(TransferRequest.open(1, true, ROOT, Selectors.all(), VOUCHER));

    assertThat(keysOf(cbor, "Request"))
        .containsExactly(
            "BCid",
            "Part",
            "Paus",
            "Pull",
            "Rcvd",
            "Stor",
            "Type",
            "VTyp",
            "Vouch",
            "XferID",
            "RestartChannel");
    assertThat(keysOf(cbor, null)).containsExactly("IsRq", "Request", "Response");
  }

  @Test
  void responsesUseGoDataTransfersShortKeysInLengthFirstOrder() throws IOException {
    byte[] cbor = MessageCodec.encode(TransferResponse.update(7, true));

    assertThat(keysOf(cbor, "Response"))
        .containsExactly("Msg", "Acpt", "Paus", "Rcvd", "Type", "VRes", "VTyp", "XferID");
  }

  @Test
  void theBaseCidIsADagCborLink() throws IOException {
    byte[] cbor = MessageCodec.encode(TransferRequest.open(1, true, ROOT, Selectors.all(), null));
    try (CBORParser p = new CBORFactory().createParser(cbor)) {
      while (p.nextToken() != null) {
        if ("BCid".equals(p.currentName()) && p.currentToken() == JsonToken.VALUE_EMBEDDED_OBJECT) {
          assertThat(p.getCurrentTag()).isEqualTo(42);
          byte[] b = p.getBinaryValue();
          assertThat(b[0]).isZero();
          return;
        }
      }
    }
    throw new AssertionError("no BCid link found");
  }

  @Test
  void bytesThatAreNotCborAreRefused() {
    assertThatThrownBy(() -> MessageCodec.decode(new byte[] {(byte) 0xff, 0x00}))
        .isInstanceOf(FrameException.class)
        .hasMessageContaining("message");
  }

  @Test
  void aRequestFlagWithoutARequestIsRefused() throws IOException {
    byte[] cbor =
        cbor(
            g -> {
              g.writeStartObject();
              g.writeBooleanField("IsRq", true);
              g.writeNullField("Request");
              g.writeEndObject();
            });

    assertThatThrownBy(() -> MessageCodec.decode(cbor))
        .hasMessage("message says IsRq=true but has no Request");
  }

  @Test
  void aFieldOfTheWrongKindIsRefusedByName() throws IOException {
    byte[] cbor =
        cbor(
            g -> {
              g.writeStartObject();
              g.writeBooleanField("IsRq", false);
              g.writeFieldName("Response");
              g.writeStartObject();
              g.writeStringField("Type", "zero");
              g.writeEndObject();
              g.writeEndObject();
            });

    assertThatThrownBy(() -> MessageCodec.decode(cbor))
        .hasMessage("Type should be an integer, not a text string");
  }

  @Test
  void anUnknownMessageTypeIsRefused() throws IOException {
    byte[] cbor =
        cbor(
            g -> {
              g.writeStartObject();
              g.writeBooleanField("IsRq", false);
              g.writeFieldName("Response");
              g.writeStartObject();
              g.writeNumberField("Type", 42);
              g.writeNumberField("XferID", 1);
              g.writeEndObject();
              g.writeEndObject();
            });

    assertThatThrownBy(() -> MessageCodec.decode(cbor))
        .hasMessageContaining("unknown data-transfer message type 42");
  }

  interface Writer {
    void write(CBORGenerator g) throws IOException;
  }

  private static byte[] cbor(Writer w) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
      w.write(g);
    }
    return out.toByteArray();
  }

  /** The keys of the top-level map (inner == null) or of the map under key {@code inner}. */
  private static List<String> keysOf(byte[] cbor, String inner) throws IOException {
    List<String> keys = new ArrayList<>();
    try (CBORParser p = new CBORFactory().createParser(cbor)) {
      p.nextToken();
      if (inner != null) {
        while (!(p.nextToken() == JsonToken.FIELD_NAME && inner.equals(p.currentName()))) {
          // advance to the inner map's key
        }
        p.nextToken();
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        keys.add(p.currentName());
        p.nextToken();
        p.skipChildren();
      }
    }
    return keys;
  }
}
