package io.ferry.ipld.codec;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The few protobuf wire-format pieces dag-pb and UnixFS need: keys, varints and length-delimited
 * fields, written and read without a protobuf library. Varints here are protobuf's (up to ten
 * bytes, so negative int64 values round-trip), not the multiformats varints of {@link
 * io.ferry.ipld.Varint}.
 */
public final class Protobuf {
  /** Wire type of varint fields. */
  public static final int VARINT = 0;

  /** Wire type of fixed 64-bit fields. */
  public static final int I64 = 1;

  /** Wire type of length-delimited fields (bytes, strings, embedded messages, packed lists). */
  public static final int LEN = 2;

  /** Wire type of fixed 32-bit fields. */
  public static final int I32 = 5;

  private Protobuf() {}

  /** Writes a field key: {@code field << 3 | wireType}. */
  public static void key(ByteArrayOutputStream out, int field, int wireType) {
    varint(out, ((long) field << 3) | wireType);
  }

  /** Writes {@code value} as a protobuf varint (ten bytes for a negative value). */
  public static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  /** Writes a length-delimited field. */
  public static void bytesField(ByteArrayOutputStream out, int field, byte[] value) {
    key(out, field, LEN);
    varint(out, value.length);
    out.writeBytes(value);
  }

  /** Writes a varint field. */
  public static void varintField(ByteArrayOutputStream out, int field, long value) {
    key(out, field, VARINT);
    varint(out, value);
  }

  /**
   * A cursor over the protobuf bytes of one message. Failures are {@link CodecException}s naming
   * the message being read and the byte offset (from the start of the outermost message).
   */
  public static final class Reader {
    private final byte[] in;
    private final int end;
    private final String what;
    private int pos;

    /** A reader over all of {@code in}, a message described as {@code what} in errors. */
    public Reader(byte[] in, String what) {
      this(in, 0, in.length, what);
    }

    private Reader(byte[] in, int start, int end, String what) {
      this.in = in;
      this.pos = start;
      this.end = end;
      this.what = what;
    }

    /** Whether bytes of the message remain. */
    public boolean hasMore() {
      return pos < end;
    }

    /** Reads a varint (a key, or a varint field's value). */
    public long varint() {
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

    /** Reads a length-delimited field's content. */
    public byte[] bytes() {
      int start = lengthDelimited();
      return Arrays.copyOfRange(in, start, pos);
    }

    /**
     * A reader over a length-delimited field's content (an embedded message or a packed list),
     * described as {@code embeddedWhat} in errors; this reader moves past it.
     */
    public Reader embedded(String embeddedWhat) {
      int start = lengthDelimited();
      return new Reader(in, start, pos, embeddedWhat);
    }

    /** Skips the value of a field of {@code wireType} whose key was just read. */
    public void skip(int wireType) {
      switch (wireType) {
        case VARINT -> varint();
        case I64 -> advance(8);
        case LEN -> lengthDelimited();
        case I32 -> advance(4);
        default -> throw fail("unsupported wire type " + wireType);
      }
    }

    /** A decoding error at the current offset. */
    public CodecException fail(String reason) {
      return new CodecException("invalid " + what + " at byte " + pos + ": " + reason);
    }

    /** Reads a length prefix, moves past the bytes it covers and returns where they start. */
    private int lengthDelimited() {
      long length = varint();
      if (length < 0 || length > end - pos) {
        throw fail("length " + length + " runs past the end");
      }
      int start = pos;
      pos += (int) length;
      return start;
    }

    private void advance(int n) {
      if (n > end - pos) {
        throw fail(n + "-byte field runs past the end");
      }
      pos += n;
    }
  }
}
