package io.ferry.ipld.codec;

import java.io.ByteArrayOutputStream;

/**
 * The few protobuf wire-format pieces dag-pb and UnixFS need: keys, varints and length-delimited
 * fields, written and read without a protobuf library.
 */
final class Protobuf {
  static final int VARINT = 0;
  static final int LEN = 2;

  private Protobuf() {}

  static void key(ByteArrayOutputStream out, int field, int wireType) {
    varint(out, ((long) field << 3) | wireType);
  }

  static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  static void bytesField(ByteArrayOutputStream out, int field, byte[] value) {
    key(out, field, LEN);
    varint(out, value.length);
    out.writeBytes(value);
  }

  static void varintField(ByteArrayOutputStream out, int field, long value) {
    key(out, field, VARINT);
    varint(out, value);
  }

  /** A cursor over protobuf bytes; failures name the message being read. */
  static final class Reader {
    private final byte[] in;
    private final int end;
    private final String what;
    int pos;

    Reader(byte[] in, int start, int end, String what) {
      this.in = in;
      this.pos = start;
      this.end = end;
      this.what = what;
    }

    boolean hasMore() {
      return pos < end;
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw fail("varint runs past the end");
        }
        int b = in[pos++] & 0xFF;
        if (shift == 63 && b > 1) {
          throw fail("varint overflows 64 bits");
        }
        value |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw fail("varint is longer than 10 bytes");
    }

    /** Reads a length prefix and returns {start, end} of the bytes it covers. */
    int[] lengthDelimited() {
      long length = varint();
      if (length < 0 || length > end - pos) {
        throw fail("length " + length + " runs past the end");
      }
      int start = pos;
      pos += (int) length;
      return new int[] {start, pos};
    }

    byte[] bytes() {
      int[] range = lengthDelimited();
      return java.util.Arrays.copyOfRange(in, range[0], range[1]);
    }

    byte[] source() {
      return in;
    }

    CodecException fail(String reason) {
      return new CodecException("invalid " + what + " at byte " + pos + ": " + reason);
    }
  }
}
