package io.ferry.ipld;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Unsigned LEB128 varints as multiformats uses them: seven bits a byte, least significant group
 * first, at most nine bytes (63 bits), and minimally encoded (no trailing zero groups).
 */
public final class Varint {
  /** The longest varint multiformats allows. */
  public static final int MAX_BYTES = 9;

  private Varint() {}

  /** The number of bytes {@code value} takes as a varint. */
  public static int size(long value) {
    requireUnsigned(value);
    int n = 1;
    while ((value >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /** Appends {@code value} to {@code out}. */
  public static void write(long value, ByteBuffer out) {
    requireUnsigned(value);
    while ((value & ~0x7FL) != 0) {
      out.put((byte) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.put((byte) value);
  }

  /** Writes {@code value} to {@code out}. */
  public static void write(long value, OutputStream out) throws IOException {
    requireUnsigned(value);
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  /** {@code value} as varint bytes. */
  public static byte[] encode(long value) {
    ByteBuffer buffer = ByteBuffer.allocate(size(value));
    write(value, buffer);
    return buffer.array();
  }

  /** Reads a varint from {@code in}, advancing its position past it. */
  public static long read(ByteBuffer in) {
    long value = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      if (!in.hasRemaining()) {
        throw new IllegalArgumentException("varint is truncated after " + i + " bytes");
      }
      int b = in.get() & 0xFF;
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new IllegalArgumentException("varint is not minimally encoded");
        }
        return value;
      }
    }
    throw new IllegalArgumentException("varint is longer than " + MAX_BYTES + " bytes");
  }

  /** Reads a varint starting at {@code offset} of {@code bytes}. */
  public static long read(byte[] bytes, int offset) {
    return read(ByteBuffer.wrap(bytes, offset, bytes.length - offset));
  }

  /**
   * Reads a varint from a stream; returns -1 if the stream ends before its first byte (a clean end
   * of input) and throws {@link EOFException} if it ends inside one.
   */
  public static long read(InputStream in) throws IOException {
    long value = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      int b = in.read();
      if (b < 0) {
        if (i == 0) {
          return -1;
        }
        throw new EOFException("varint is truncated after " + i + " bytes");
      }
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new IOException("varint is not minimally encoded");
        }
        return value;
      }
    }
    throw new IOException("varint is longer than " + MAX_BYTES + " bytes");
  }

  private static void requireUnsigned(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("varint cannot encode negative value " + value);
    }
  }
}
