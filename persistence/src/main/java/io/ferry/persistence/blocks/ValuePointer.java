package io.ferry.persistence.blocks;

import java.nio.ByteBuffer;

/**
 * Where a block body lives in the value log: the record starting at {@code offset} in segment
 * {@code segment}, whose body is {@code length} bytes with CRC32C {@code crc}. Stored in LevelDB as
 * the value of the block's pointer key, {@value #ENCODED_LENGTH} bytes: a format byte ({@value
 * #FORMAT}), then the four fields big-endian.
 */
record ValuePointer(int segment, long offset, int length, int crc) {
  static final byte FORMAT = 1;
  static final int ENCODED_LENGTH = 1 + 4 + 8 + 4 + 4;

  byte[] encode() {
    return ByteBuffer.allocate(ENCODED_LENGTH)
        .put(FORMAT)
        .putInt(segment)
        .putLong(offset)
        .putInt(length)
        .putInt(crc)
        .array();
  }

  /**
   * The pointer encoded in {@code value}.
   *
   * @throws IllegalArgumentException if {@code value} is not a pointer of this format
   */
  static ValuePointer decode(byte[] value) {
    if (value.length != ENCODED_LENGTH || value[0] != FORMAT) {
      throw new IllegalArgumentException(
          "not a value log pointer: "
              + value.length
              + " bytes"
              + (value.length > 0 ? ", format byte " + value[0] : "")
              + " (expected "
              + ENCODED_LENGTH
              + " bytes, format byte "
              + FORMAT
              + ")");
    }
    ByteBuffer b = ByteBuffer.wrap(value, 1, ENCODED_LENGTH - 1);
    ValuePointer p = new ValuePointer(b.getInt(), b.getLong(), b.getInt(), b.getInt());
    if (p.segment < 1 || p.offset < 0 || p.length < 0) {
      throw new IllegalArgumentException("value log pointer out of range: " + p);
    }
    return p;
  }
}
