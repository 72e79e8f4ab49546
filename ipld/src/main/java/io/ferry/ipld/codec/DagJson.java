package io.ferry.ipld.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.ferry.ipld.Cid;
import io.ferry.ipld.model.Node;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * dag-json: JSON with links as {@code {"/": "<cid>"}} and bytes as {@code {"/": {"bytes": "<base64,
 * no padding>"}}}. Encoding is canonical (no whitespace, map keys sorted bytewise by UTF-8,
 * integers without a decimal point, floats always with one or an exponent). Decoding keeps map
 * entries in document order and refuses duplicate keys and malformed reserved {@code "/"} forms.
 */
public final class DagJson {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final int MAX_DEPTH = 1024;

  private DagJson() {}

  /** Canonical dag-json bytes (UTF-8). */
  public static byte[] encode(Node node) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Canonical dag-json text. */
  public static String encodeToString(Node node) {
    return new String(encode(node), StandardCharsets.UTF_8);
  }

  /**
   * Decodes dag-json bytes, which must be UTF-8.
   *
   * @throws CodecException naming where the input is wrong (the byte offset of invalid UTF-8, else
   *     the line and column) and why
   */
  public static Node decode(byte[] utf8) {
    return decode(strictUtf8(utf8));
  }

  /**
   * Decodes dag-json text: exactly one value.
   *
   * @throws CodecException naming the line and column where the text is wrong, and why
   */
  public static Node decode(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new CodecException("invalid dag-json: input is empty");
      }
      Node node = read(p, 0);
      if (p.nextToken() != null) {
        throw fail(p, "text follows the value");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new CodecException("invalid dag-json: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Node read(JsonParser p, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw fail(p, "nesting is deeper than " + MAX_DEPTH);
    }
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        return readMap(p, depth);
      case START_ARRAY:
        {
          List<Node> items = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            items.add(read(p, depth + 1));
          }
          return new Node.ListNode(items);
        }
      case VALUE_STRING:
        return new Node.StringNode(p.getText());
      case VALUE_NUMBER_INT:
        try {
          return new Node.IntNode(p.getLongValue());
        } catch (IOException e) {
          throw fail(p, "integer " + p.getText() + " is out of the 64-bit signed range");
        }
      case VALUE_NUMBER_FLOAT:
        {
          double d = p.getDoubleValue();
          if (Double.isInfinite(d)) {
            throw fail(p, "float " + p.getText() + " is out of the 64-bit range");
          }
          return new Node.FloatNode(d);
        }
      case VALUE_TRUE:
        return new Node.BoolNode(true);
      case VALUE_FALSE:
        return new Node.BoolNode(false);
      case VALUE_NULL:
        return new Node.NullNode();
      default:
        throw fail(p, "unexpected token " + t);
    }
  }

  private static Node readMap(JsonParser p, int depth) throws IOException {
    Map<String, Node> entries = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      entries.put(key, read(p, depth + 1));
    }
    Node slash = entries.get("/");
    if (slash == null) {
      return new Node.MapNode(entries);
    }
    if (entries.size() != 1) {
      throw fail(p, "a map with the reserved key \"/\" must have no other keys");
    }
    if (slash instanceof Node.StringNode s) {
      try {
        return new Node.LinkNode(Cid.parse(s.value()));
      } catch (IllegalArgumentException e) {
        throw fail(p, "invalid link: " + e.getMessage());
      }
    }
    if (slash instanceof Node.MapNode m
        && m.entries().size() == 1
        && m.get("bytes") instanceof Node.StringNode b) {
      String text = b.value();
      if (text.indexOf('=') >= 0) {
        throw fail(p, "bytes must be base64 without padding");
      }
      try {
        return new Node.BytesNode(Base64.getDecoder().decode(text));
      } catch (IllegalArgumentException e) {
        throw fail(p, "bytes are not valid base64: \"" + text + "\"");
      }
    }
    throw fail(p, "reserved key \"/\" must hold a CID string or {\"bytes\": \"...\"}");
  }

  private static void write(JsonGenerator g, Node node) throws IOException {
    if (node instanceof Node.MapNode m) {
      List<Map.Entry<byte[], Node>> sorted = new ArrayList<>();
      for (Map.Entry<String, Node> e : m.entries().entrySet()) {
        sorted.add(Map.entry(e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue()));
      }
      sorted.sort((x, y) -> Arrays.compareUnsigned(x.getKey(), y.getKey()));
      g.writeStartObject();
      for (Map.Entry<byte[], Node> e : sorted) {
        g.writeFieldName(new String(e.getKey(), StandardCharsets.UTF_8));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (node instanceof Node.ListNode l) {
      g.writeStartArray();
      for (Node item : l.items()) {
        write(g, item);
      }
      g.writeEndArray();
    } else if (node instanceof Node.StringNode s) {
      g.writeString(s.value());
    } else if (node instanceof Node.BytesNode b) {
      g.writeStartObject();
      g.writeFieldName("/");
      g.writeStartObject();
      g.writeStringField("bytes", Base64.getEncoder().withoutPadding().encodeToString(b.value()));
      g.writeEndObject();
      g.writeEndObject();
    } else if (node instanceof Node.IntNode i) {
      g.writeNumber(i.value());
    } else if (node instanceof Node.FloatNode f) {
      g.writeRawValue(floatText(f.value()));
    } else if (node instanceof Node.BoolNode b) {
      g.writeBoolean(b.value());
    } else if (node instanceof Node.NullNode) {
      g.writeNull();
    } else if (node instanceof Node.LinkNode l) {
      g.writeStartObject();
      g.writeStringField("/", l.cid().toString());
      g.writeEndObject();
    }
  }

  /** The shortest text that reads back as {@code d}, always with a '.' or an exponent. */
  static String floatText(double d) {
    String s = BigDecimal.valueOf(d).stripTrailingZeros().toString();
    if (s.contains("E")) {
      s = s.replace("E+", "e").replace("E", "e");
      return s;
    }
    return s.contains(".") ? s : s + ".0";
  }

  /** The text of {@code utf8}, refusing malformed UTF-8 rather than replacing it. */
  private static String strictUtf8(byte[] utf8) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(utf8);
    CharBuffer out = CharBuffer.allocate(utf8.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new CodecException("invalid dag-json at byte " + in.position() + ": not UTF-8");
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  private static CodecException fail(JsonParser p, String reason) {
    return new CodecException(
        "invalid dag-json at line "
            + p.currentLocation().getLineNr()
            + ", column "
            + p.currentLocation().getColumnNr()
            + ": "
            + reason);
  }
}
