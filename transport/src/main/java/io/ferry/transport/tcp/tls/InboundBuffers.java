package io.ferry.transport.tcp.tls;

import java.nio.ByteBuffer;
import org.apache.pekko.util.ByteString;

/**
 * A {@link TlsStage}'s ciphertext not yet decrypted. The array of each network read is decrypted in
 * place (the engine decrypts a record where it lies), not copied first; only a record split between
 * two reads is put together in a small buffer of the stage's own, from the tail of one read and
 * just enough of the head of the next.
 */
final class InboundBuffers {
  private static final int HEADER = 5; // TLS record header: type, version, length
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private ByteBuffer carry =
      ByteBuffer.allocate(0); // read mode: whole records, then at most a part
  private ByteBuffer read = EMPTY; // read mode: the rest of the last network read

  /**
   * The ciphertext to decrypt next (read mode; unwrapping advances it). While it has bytes left
   * after an unwrap that consumed nothing, no more can be decrypted until more arrive.
   */
  ByteBuffer cipher() {
    return carry.hasRemaining() ? carry : read;
  }

  /**
   * Takes the bytes of a network read. Their array is decrypted in place: the stage owns it (a TCP
   * read's bytes are a fresh array nobody else holds).
   */
  void append(ByteString bytes) {
    if (bytes.isEmpty()) {
      return;
    }
    byte[] array = bytes.compact().toArrayUnsafe();
    if (read.hasRemaining()) {
      add(read.array(), read.arrayOffset() + read.position(), read.remaining());
    }
    read = EMPTY;
    int used = 0;
    int missing;
    while (used < array.length && (missing = missing()) > 0) {
      int n = Math.min(missing, array.length - used);
      add(array, used, n);
      used += n;
    }
    if (used < array.length) {
      read = ByteBuffer.wrap(array, used, array.length - used);
    }
  }

  /** Bytes the carried ciphertext lacks to end on a record boundary (its header first). */
  private int missing() {
    int p = carry.position();
    int end = carry.limit();
    while (true) {
      int left = end - p;
      if (left == 0) {
        return 0;
      }
      if (left < HEADER) {
        return HEADER - left;
      }
      int length = HEADER + (((carry.get(p + 3) & 0xff) << 8) | (carry.get(p + 4) & 0xff));
      if (left < length) {
        return length - left;
      }
      p += length;
    }
  }

  private void add(byte[] bytes, int offset, int length) {
    carry.compact();
    if (carry.remaining() < length) {
      ByteBuffer bigger =
          ByteBuffer.allocate(Math.max(2 * carry.capacity(), carry.position() + length));
      carry.flip();
      bigger.put(carry);
      carry = bigger;
    }
    carry.put(bytes, offset, length);
    carry.flip();
  }
}
