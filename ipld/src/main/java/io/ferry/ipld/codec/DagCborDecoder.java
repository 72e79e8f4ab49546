package io.ferry.ipld.codec;

import io.ferry.ipld.Cid;
import io.ferry.ipld.model.Node;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Strict dag-cbor decoding: one instance per input. */
final class DagCborDecoder {
  private static final int MAX_DEPTH = 1024;

  private final byte[] in;
  private int pos;

  DagCborDecoder(byte[] in) {
    this.in = in;
  }

  Node decodeAll() {
    if (in.length == 0) {
      throw fail("input is empty");
    }
    Node node = read(0);
    if (pos != in.length) {
      throw fail((in.length - pos) + " bytes follow the value");
    }
    return node;
  }

  private Node read(int depth) {
    if (depth > MAX_DEPTH) {
      throw fail("nesting is deeper than " + MAX_DEPTH);
    }
    int start = pos;
    int initial = u8();
    int major = initial >>> 5;
    int info = initial & 0x1f;
    if (major == 7) {
      return readSimple(info, start);
    }
    long arg = argument(info, start);
    switch (major) {
      case 0:
        if (arg < 0) {
          throw failAt(start, "unsigned integer " + Long.toUnsignedString(arg) + " exceeds 2^63-1");
        }
        return new Node.IntNode(arg);
      case 1:
        if (arg < 0) {
          throw failAt(start, "negative integer below -2^63");
        }
        return new Node.IntNode(-1 - arg);
      case 2:
        return new Node.BytesNode(take(arg, start));
      case 3:
        return new Node.StringNode(utf8(take(arg, start), start));
      case 4:
        {
          requireItems(arg, start);
          List<Node> items = new ArrayList<>((int) Math.min(arg, 1024));
          for (long i = 0; i < arg; i++) {
            items.add(read(depth + 1));
          }
          return new Node.ListNode(items);
        }
      case 5:
        return readMap(arg, start, depth);
      case 6:
        return readTag(arg, start);
      default:
        throw failAt(start, "unknown major type " + major);
    }
  }

  private Node readMap(long count, int start, int depth) {
    requireItems(count, start);
    Map<String, Node> entries = new LinkedHashMap<>();
    byte[] previous = null;
    for (long i = 0; i < count; i++) {
      int keyStart = pos;
      int initial = u8();
      if (initial >>> 5 != 3) {
        throw failAt(keyStart, "map key is not a string (dag-cbor keys must be strings)");
      }
      byte[] key = take(argument(initial & 0x1f, keyStart), keyStart);
      if (previous != null) {
        int order = DagCbor.compareKeys(previous, key);
        if (order == 0) {
          throw failAt(keyStart, "duplicate map key \"" + utf8(key, keyStart) + "\"");
        }
        if (order > 0) {
          throw failAt(
              keyStart,
              "map key \"" + utf8(key, keyStart) + "\" is out of canonical order (length-first)");
        }
      }
      previous = key;
      entries.put(utf8(key, keyStart), read(depth + 1));
    }
    return new Node.MapNode(entries);
  }

  private Node readTag(long tag, int start) {
    if (tag != DagCbor.TAG_CID) {
      throw failAt(start, "tag " + tag + " is not allowed (only tag 42, links)");
    }
    int bytesStart = pos;
    int initial = u8();
    if (initial >>> 5 != 2) {
      throw failAt(bytesStart, "tag 42 must wrap a byte string");
    }
    byte[] content = take(argument(initial & 0x1f, bytesStart), bytesStart);
    if (content.length < 2 || content[0] != 0) {
      throw failAt(bytesStart, "link bytes must start with the 0x00 multibase-identity prefix");
    }
    try {
      return new Node.LinkNode(Cid.decode(Arrays.copyOfRange(content, 1, content.length)));
    } catch (IllegalArgumentException e) {
      throw failAt(bytesStart, "invalid CID in link: " + e.getMessage());
    }
  }

  private Node readSimple(int info, int start) {
    switch (info) {
      case 20:
        return new Node.BoolNode(false);
      case 21:
        return new Node.BoolNode(true);
      case 22:
        return new Node.NullNode();
      case 27:
        {
          long bits = 0;
          for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | u8();
          }
          double d = Double.longBitsToDouble(bits);
          if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw failAt(start, "NaN and infinities are not allowed");
          }
          return new Node.FloatNode(d);
        }
      case 25:
      case 26:
        throw failAt(start, "floats must be encoded as 64-bit");
      case 31:
        throw failAt(start, "indefinite-length items are not allowed");
      default:
        throw failAt(start, "simple value " + info + " is not allowed");
    }
  }

  /** The argument of a header, checked to be in its shortest form. */
  private long argument(int info, int start) {
    if (info < 24) {
      return info;
    }
    long value;
    long min;
    switch (info) {
      case 24:
        value = u8();
        min = 24;
        break;
      case 25:
        value = ((long) u8() << 8) | u8();
        min = 0x100;
        break;
      case 26:
        value = 0;
        for (int i = 0; i < 4; i++) {
          value = (value << 8) | u8();
        }
        min = 0x10000;
        break;
      case 27:
        value = 0;
        for (int i = 0; i < 8; i++) {
          value = (value << 8) | u8();
        }
        min = 0x100000000L;
        break;
      case 31:
        throw failAt(start, "indefinite-length items are not allowed");
      default:
        throw failAt(start, "reserved additional information " + info);
    }
    if (Long.compareUnsigned(value, min) < 0) {
      throw failAt(start, "integer or length " + value + " is not in its shortest encoding");
    }
    return value;
  }

  private void requireItems(long count, int start) {
    if (count < 0 || count > in.length - pos) {
      throw failAt(start, "declares " + Long.toUnsignedString(count) + " items, more than remain");
    }
  }

  private byte[] take(long length, int start) {
    if (length < 0 || length > in.length - pos) {
      throw failAt(
          start,
          "declares "
              + Long.toUnsignedString(length)
              + " bytes but only "
              + (in.length - pos)
              + " remain");
    }
    byte[] out = Arrays.copyOfRange(in, pos, pos + (int) length);
    pos += (int) length;
    return out;
  }

  private int u8() {
    if (pos >= in.length) {
      throw fail("input ends unexpectedly");
    }
    return in[pos++] & 0xFF;
  }

  private String utf8(byte[] bytes, int start) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw failAt(start, "string is not valid UTF-8");
    }
  }

  private CodecException fail(String reason) {
    return failAt(pos, reason);
  }

  private static CodecException failAt(int offset, String reason) {
    return new CodecException("invalid dag-cbor at byte " + offset + ": " + reason);
  }
}
