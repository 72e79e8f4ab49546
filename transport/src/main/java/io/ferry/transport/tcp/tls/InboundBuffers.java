package io.ferry.transport.tcp.tls;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.pekko.util.ByteString;

/**
 * A {@link TlsStage}'s receiving buffers: the ciphertext received and not yet decrypted, and the
 * buffer a read's records are decrypted into before its bytes are handed on as one copy.
 */
final class InboundBuffers {
  private static final int MIN_CIPHER = 64 * 1024;

  private ByteBuffer cipher = ByteBuffer.allocate(0); // read mode: position..limit unread
  private byte[] scratch = new byte[0];

  /** The ciphertext not yet decrypted (read mode; unwrapping advances it). */
  ByteBuffer cipher() {
    return cipher;
  }

  /** Appends ciphertext received from the network. */
  void append(ByteString bytes) {
    cipher.compact();
    if (cipher.remaining() < bytes.size()) {
      int size =
          Math.max(Math.max(cipher.capacity() * 2, MIN_CIPHER), cipher.position() + bytes.size());
      ByteBuffer bigger = ByteBuffer.allocate(size);
      cipher.flip();
      bigger.put(cipher);
      cipher = bigger;
    }
    bytes.copyToBuffer(cipher);
    cipher.flip();
  }

  /** A buffer of at least {@code room} bytes for decrypted bytes, reused from read to read. */
  ByteBuffer target(int room) {
    if (scratch.length < room) {
      scratch = new byte[room];
    }
    return ByteBuffer.wrap(scratch);
  }

  /**
   * A copy of the bytes decrypted into {@code target}, or null if none. (The copy is one pass over
   * the bytes; a new array per read would be zeroed first, which costs as much, and would not be in
   * the cache when the decryption writes it.)
   */
  ByteString take(ByteBuffer target) {
    int produced = target.position();
    return produced == 0
        ? null
        : ByteString.fromArrayUnsafe(Arrays.copyOfRange(scratch, 0, produced));
  }
}
