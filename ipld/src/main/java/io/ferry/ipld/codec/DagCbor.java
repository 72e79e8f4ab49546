package io.ferry.ipld.codec;

import io.ferry.ipld.Cid;
import io.ferry.ipld.model.Node;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * dag-cbor: the strict, canonical subset of CBOR that IPLD uses. Encoding writes integers in their
 * shortest form, floats as 64-bit, definite lengths only, map keys (strings only) sorted
 * length-first then bytewise, and links as tag 42 around a byte string of {@code 0x00} followed by
 * the binary CID. {@link #decode(byte[])} refuses anything else, naming the offset and the reason.
 */
public final class DagCbor {
  static final int TAG_CID = 42;

  private DagCbor() {}

  /** Encodes {@code node} canonically. */
  public static byte[] encode(Node node) {
    Encoder e = new Encoder();
    e.write(node);
    return e.out.toByteArray();
  }

  /** Decodes exactly one dag-cbor value occupying all of {@code cbor}. */
  public static Node decode(byte[] cbor) {
    return new DagCborDecoder(cbor).decodeAll();
  }

  /** Sorts map keys the dag-cbor way: shorter UTF-8 first, then bytewise. */
  static int compareKeys(byte[] a, byte[] b) {
    if (a.length != b.length) {
      return Integer.compare(a.length, b.length);
    }
    return Arrays.compareUnsigned(a, b);
  }

  private static final class Encoder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void write(Node node) {
      if (node instanceof Node.MapNode m) {
        writeMap(m.entries());
      } else if (node instanceof Node.ListNode l) {
        header(4, l.items().size());
        for (Node item : l.items()) {
          write(item);
        }
      } else if (node instanceof Node.StringNode s) {
        byte[] utf8 = s.value().getBytes(StandardCharsets.UTF_8);
        header(3, utf8.length);
        out.writeBytes(utf8);
      } else if (node instanceof Node.BytesNode b) {
        byte[] value = b.value();
        header(2, value.length);
        out.writeBytes(value);
      } else if (node instanceof Node.IntNode i) {
        long v = i.value();
        if (v >= 0) {
          header(0, v);
        } else {
          header(1, -1 - v);
        }
      } else if (node instanceof Node.FloatNode f) {
        out.write(0xfb);
        long bits = Double.doubleToLongBits(f.value());
        for (int shift = 56; shift >= 0; shift -= 8) {
          out.write((int) (bits >>> shift));
        }
      } else if (node instanceof Node.BoolNode b) {
        out.write(b.value() ? 0xf5 : 0xf4);
      } else if (node instanceof Node.NullNode) {
        out.write(0xf6);
      } else if (node instanceof Node.LinkNode l) {
        writeLink(l.cid());
      }
    }

    private void writeMap(Map<String, Node> entries) {
      List<Map.Entry<byte[], Node>> sorted = new ArrayList<>(entries.size());
      for (Map.Entry<String, Node> e : entries.entrySet()) {
        sorted.add(Map.entry(e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue()));
      }
      sorted.sort((x, y) -> compareKeys(x.getKey(), y.getKey()));
      header(5, sorted.size());
      for (Map.Entry<byte[], Node> e : sorted) {
        header(3, e.getKey().length);
        out.writeBytes(e.getKey());
        write(e.getValue());
      }
    }

    private void writeLink(Cid cid) {
      header(6, TAG_CID);
      byte[] bytes = cid.toBytes();
      header(2, bytes.length + 1);
      out.write(0);
      out.writeBytes(bytes);
    }

    /** A major type with its argument in the shortest form; {@code value} is unsigned. */
    private void header(int major, long value) {
      int mt = major << 5;
      if (value >= 0 && value < 24) {
        out.write(mt | (int) value);
      } else if (value >= 0 && value < 0x100) {
        out.write(mt | 24);
        out.write((int) value);
      } else if (value >= 0 && value < 0x10000) {
        out.write(mt | 25);
        out.write((int) (value >>> 8));
        out.write((int) value);
      } else if (value >= 0 && value < 0x100000000L) {
        out.write(mt | 26);
        for (int shift = 24; shift >= 0; shift -= 8) {
          out.write((int) (value >>> shift));
        }
      } else {
        // Values >= 2^63 arrive here as negative longs; the bit pattern is the unsigned value.
        out.write(mt | 27);
        for (int shift = 56; shift >= 0; shift -= 8) {
          out.write((int) (value >>> shift));
        }
      }
    }
  }
}
