package io.ferry.transport.tcp.frame;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.ipld.Cid;
import io.ferry.ipld.codec.DagCbor;
import io.ferry.ipld.model.Node;
import io.ferry.ipld.selector.Selector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Map;

/**
 * go-data-transfer's {@code TransferMessage} (message1_1 schema) as a CBOR map with its short keys:
 * {@code {IsRq, Request, Response}}; requests carry {@code BCid Part Paus Pull Stor Type VTyp Vouch
 * XferID RestartChannel}, responses {@code Acpt Paus Type VRes VTyp XferID}. Keys are written in
 * dag-cbor's length-first order. Ferry adds {@code Rcvd} (blocks the receiver holds, on restart)
 * and {@code Msg} (why a response rejects). Differences from go-data-transfer: peer IDs in {@code
 * RestartChannel} are byte strings (not text strings holding raw bytes), and vouchers are byte
 * strings (their encoding belongs to the voucher type).
 */
public final class MessageCodec {
  private static final CBORFactory CBOR = new CBORFactory();
  private static final int CID_TAG = 42;

  private MessageCodec() {}

  /** The CBOR bytes of a message. */
  public static byte[] encode(TransferMessage message) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (CBORGenerator g = CBOR.createGenerator(bytes)) {
      g.writeStartObject(message, 3);
      g.writeBooleanField("IsRq", message instanceof TransferRequest);
      if (message instanceof TransferRequest r) {
        g.writeFieldName("Request");
        writeRequest(g, r);
        g.writeNullField("Response");
      } else {
        g.writeNullField("Request");
        g.writeFieldName("Response");
        writeResponse(g, (TransferResponse) message);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeRequest(CBORGenerator g, TransferRequest r) throws IOException {
    g.writeStartObject(r, 11);
    g.writeFieldName("BCid");
    if (r.baseCid() == null) {
      g.writeNull();
    } else {
      writeCid(g, r.baseCid());
    }
    g.writeBooleanField("Part", false);
    g.writeBooleanField("Paus", r.paused());
    g.writeBooleanField("Pull", r.pull());
    g.writeNumberField("Rcvd", r.receivedBlocks());
    g.writeFieldName("Stor");
    if (r.selector() == null) {
      g.writeNull();
    } else {
      writeNode(g, DagCbor.decode(r.selector().toDagCbor()));
    }
    g.writeNumberField("Type", r.type().code());
    writeVoucher(g, r.voucher(), "Vouch");
    g.writeFieldName("XferID");
    writeUnsigned(g, r.transferId());
    g.writeFieldName("RestartChannel");
    ChannelId c = r.restartChannel();
    g.writeStartArray(c, 3);
    g.writeBinary(c == null ? new byte[0] : c.initiator().toBytes());
    g.writeBinary(c == null ? new byte[0] : c.responder().toBytes());
    writeUnsigned(g, c == null ? 0 : c.transferId());
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeResponse(CBORGenerator g, TransferResponse r) throws IOException {
    g.writeStartObject(r, 8);
    g.writeStringField("Msg", r.message());
    g.writeBooleanField("Acpt", r.accepted());
    g.writeBooleanField("Paus", r.paused());
    g.writeNumberField("Rcvd", r.receivedBlocks());
    g.writeNumberField("Type", r.type().code());
    writeVoucher(g, r.voucherResult(), "VRes");
    g.writeFieldName("XferID");
    writeUnsigned(g, r.transferId());
    g.writeEndObject();
  }

  /** Writes {@code VTyp} (its key sorts before the voucher's: both are length 4 or 5). */
  private static void writeVoucher(CBORGenerator g, TypedVoucher v, String key) throws IOException {
    if (key.length() == 4) {
      g.writeFieldName(key);
      writeVoucherBytes(g, v);
      g.writeStringField("VTyp", v == null ? "" : v.type());
    } else {
      g.writeStringField("VTyp", v == null ? "" : v.type());
      g.writeFieldName(key);
      writeVoucherBytes(g, v);
    }
  }

  private static void writeVoucherBytes(CBORGenerator g, TypedVoucher v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else {
      g.writeBinary(v.bytes());
    }
  }

  private static void writeCid(CBORGenerator g, Cid cid) throws IOException {
    byte[] raw = cid.toBytes();
    byte[] withPrefix = new byte[raw.length + 1];
    System.arraycopy(raw, 0, withPrefix, 1, raw.length);
    g.writeTag(CID_TAG);
    g.writeBinary(withPrefix);
  }

  private static void writeUnsigned(CBORGenerator g, long v) throws IOException {
    if (v >= 0) {
      g.writeNumber(v);
    } else {
      g.writeNumber(new BigInteger(Long.toUnsignedString(v)));
    }
  }

  /** Writes a dag-cbor data-model node with definite lengths, keys in the node's order. */
  private static void writeNode(CBORGenerator g, Node node) throws IOException {
    if (node instanceof Node.MapNode m) {
      g.writeStartObject(m, m.entries().size());
      for (Map.Entry<String, Node> e : m.entries().entrySet()) {
        g.writeFieldName(e.getKey());
        writeNode(g, e.getValue());
      }
      g.writeEndObject();
    } else if (node instanceof Node.ListNode l) {
      g.writeStartArray(l, l.items().size());
      for (Node item : l.items()) {
        writeNode(g, item);
      }
      g.writeEndArray();
    } else if (node instanceof Node.StringNode s) {
      g.writeString(s.value());
    } else if (node instanceof Node.IntNode i) {
      g.writeNumber(i.value());
    } else if (node instanceof Node.BoolNode b) {
      g.writeBoolean(b.value());
    } else if (node instanceof Node.NullNode) {
      g.writeNull();
    } else if (node instanceof Node.BytesNode b) {
      g.writeBinary(b.value());
    } else if (node instanceof Node.FloatNode f) {
      g.writeNumber(f.value());
    } else if (node instanceof Node.LinkNode link) {
      writeCid(g, link.cid());
    } else {
      throw new IllegalArgumentException("cannot encode " + node);
    }
  }

  /**
   * Decodes a message.
   *
   * @throws FrameException naming the field that was missing or of the wrong kind
   */
  public static TransferMessage decode(byte[] cbor) {
    try (CBORParser p = CBOR.createParser(cbor)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "message");
      Boolean isRequest = null;
      TransferRequest request = null;
      TransferResponse response = null;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        switch (key) {
          case "IsRq" -> isRequest = bool(p, v, key);
          case "Request" -> request = v == JsonToken.VALUE_NULL ? null : readRequest(p, v, cbor);
          case "Response" -> response = v == JsonToken.VALUE_NULL ? null : readResponse(p, v);
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new FrameException("message has bytes after its end");
      }
      if (isRequest == null) {
        throw new FrameException("message lacks IsRq");
      }
      if (isRequest && request == null) {
        throw new FrameException("message says IsRq=true but has no Request");
      }
      if (!isRequest && response == null) {
        throw new FrameException("message says IsRq=false but has no Response");
      }
      return isRequest ? request : response;
    } catch (IOException e) {
      throw new FrameException("message is not valid CBOR: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new FrameException("message has an invalid value: " + e.getMessage(), e);
    }
  }

  private static TransferRequest readRequest(CBORParser p, JsonToken start, byte[] cbor)
      throws IOException {
    expect(p, start, JsonToken.START_OBJECT, "Request");
    Cid base = null;
    int type = -1;
    boolean paused = false;
    boolean pull = false;
    Selector selector = null;
    byte[] voucher = null;
    String voucherType = "";
    Long xfer = null;
    ChannelId restart = null;
    long received = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      switch (key) {
        case "BCid" -> base = v == JsonToken.VALUE_NULL ? null : readCid(p, v);
        case "Type" -> type = (int) unsigned(p, v, key);
        case "Paus" -> paused = bool(p, v, key);
        case "Part" -> bool(p, v, key);
        case "Pull" -> pull = bool(p, v, key);
        case "Stor" -> selector = v == JsonToken.VALUE_NULL ? null : readSelector(p, cbor);
        case "Vouch" -> voucher = v == JsonToken.VALUE_NULL ? null : binary(p, v, key);
        case "VTyp" -> voucherType = text(p, v, key);
        case "XferID" -> xfer = unsigned(p, v, key);
        case "Rcvd" -> received = unsigned(p, v, key);
        case "RestartChannel" -> restart = readChannel(p, v);
        default -> p.skipChildren();
      }
    }
    if (type < 0 || xfer == null) {
      throw new FrameException("Request lacks " + (type < 0 ? "Type" : "XferID"));
    }
    MessageType mt = MessageType.ofCode(type);
    return new TransferRequest(
        mt,
        xfer,
        pull,
        paused,
        base,
        selector,
        voucher == null ? null : new TypedVoucher(voucherType, voucher),
        mt == MessageType.RESTART_EXISTING_CHANNEL ? restart : null,
        received);
  }

  private static TransferResponse readResponse(CBORParser p, JsonToken start) throws IOException {
    expect(p, start, JsonToken.START_OBJECT, "Response");
    int type = -1;
    boolean accepted = false;
    boolean paused = false;
    byte[] result = null;
    String resultType = "";
    Long xfer = null;
    long received = 0;
    String message = "";
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      switch (key) {
        case "Type" -> type = (int) unsigned(p, v, key);
        case "Acpt" -> accepted = bool(p, v, key);
        case "Paus" -> paused = bool(p, v, key);
        case "VRes" -> result = v == JsonToken.VALUE_NULL ? null : binary(p, v, key);
        case "VTyp" -> resultType = text(p, v, key);
        case "XferID" -> xfer = unsigned(p, v, key);
        case "Rcvd" -> received = unsigned(p, v, key);
        case "Msg" -> message = text(p, v, key);
        default -> p.skipChildren();
      }
    }
    if (type < 0 || xfer == null) {
      throw new FrameException("Response lacks " + (type < 0 ? "Type" : "XferID"));
    }
    return new TransferResponse(
        MessageType.ofCode(type),
        xfer,
        accepted,
        paused,
        result == null ? null : new TypedVoucher(resultType, result),
        received,
        message);
  }

  private static Cid readCid(CBORParser p, JsonToken v) throws IOException {
    if (p.getCurrentTag() != CID_TAG) {
      throw new FrameException("BCid is not a CID link (CBOR tag 42)");
    }
    byte[] b = binary(p, v, "BCid");
    if (b.length < 2 || b[0] != 0) {
      throw new FrameException("BCid link lacks its 0x00 multibase prefix");
    }
    return Cid.decode(java.util.Arrays.copyOfRange(b, 1, b.length));
  }

  /** The selector whose encoding starts at the current token: its own bytes, sliced out. */
  private static Selector readSelector(CBORParser p, byte[] cbor) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    p.skipChildren();
    int end = (int) p.currentLocation().getByteOffset();
    return Selector.fromDagCbor(java.util.Arrays.copyOfRange(cbor, start, end));
  }

  private static ChannelId readChannel(CBORParser p, JsonToken v) throws IOException {
    expect(p, v, JsonToken.START_ARRAY, "RestartChannel");
    byte[] initiator = binary(p, p.nextToken(), "RestartChannel initiator");
    byte[] responder = binary(p, p.nextToken(), "RestartChannel responder");
    long id = unsigned(p, p.nextToken(), "RestartChannel id");
    expect(p, p.nextToken(), JsonToken.END_ARRAY, "RestartChannel end");
    if (initiator.length == 0 && responder.length == 0) {
      return null;
    }
    return new ChannelId(PeerId.fromBytes(initiator), PeerId.fromBytes(responder), id);
  }

  private static void expect(CBORParser p, JsonToken actual, JsonToken wanted, String what) {
    if (actual != wanted) {
      throw new FrameException(
          what + " should be " + describe(wanted) + ", not " + describe(actual));
    }
  }

  private static boolean bool(CBORParser p, JsonToken v, String key) {
    if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
      throw new FrameException(key + " should be a boolean, not " + describe(v));
    }
    return v == JsonToken.VALUE_TRUE;
  }

  private static long unsigned(CBORParser p, JsonToken v, String key) throws IOException {
    if (v != JsonToken.VALUE_NUMBER_INT) {
      throw new FrameException(key + " should be an integer, not " + describe(v));
    }
    BigInteger n = p.getBigIntegerValue();
    if (n.signum() < 0 || n.bitLength() > 64) {
      throw new FrameException(key + " " + n + " is outside 0..2^64-1");
    }
    return n.longValue();
  }

  private static String text(CBORParser p, JsonToken v, String key) throws IOException {
    if (v != JsonToken.VALUE_STRING) {
      throw new FrameException(key + " should be a text string, not " + describe(v));
    }
    return p.getText();
  }

  private static byte[] binary(CBORParser p, JsonToken v, String key) throws IOException {
    if (v != JsonToken.VALUE_EMBEDDED_OBJECT) {
      throw new FrameException(key + " should be a byte string, not " + describe(v));
    }
    return p.getBinaryValue();
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "the end of the input";
    }
    return switch (t) {
      case START_OBJECT -> "a map";
      case END_OBJECT -> "the end of a map";
      case START_ARRAY -> "a list";
      case END_ARRAY -> "the end of a list";
      case VALUE_STRING -> "a text string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a float";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      case VALUE_EMBEDDED_OBJECT -> "a byte string";
      default -> t.toString();
    };
  }
}
