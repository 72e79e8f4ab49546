package io.ferry.transport.tcp.tls;

import java.nio.ByteBuffer;
import org.apache.pekko.util.ByteString;

/**
 * A {@link TlsStage}'s receiving buffers: the ciphertext received and not yet decrypted, and the
 * chunk that decrypted bytes go to. Each decrypted read is a slice of a chunk that is never written
 * again, so it is handed on without a copy; a chunk holds a few reads, so big reads share one and
 * an idle connection keeps little.
 */
final class InboundBuffers {
  /** Decrypted bytes go into chunks of at most this size (unless one read needs more). */
  static final int CHUNK = 2 * 1024 * 1024;

  private static final int MIN_CIPHER = 64 * 1024;

  private ByteBuffer cipher = ByteBuffer.allocate(0); // read mode: position..limit unread
  private byte[] chunk = new byte[0];
  private int used;

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

  /**
   * A buffer of at least {@code room} bytes for decrypted bytes, in the current chunk or a new one
   * if it lacks room or {@code fresh} is asked for.
   */
  ByteBuffer target(int room, boolean fresh) {
    if (fresh || chunk.length - used < room) {
      chunk = new byte[Math.max(room, Math.min(CHUNK, 4 * room))];
      used = 0;
    }
    return ByteBuffer.wrap(chunk, used, chunk.length - used);
  }

  /** Whether the next decrypted bytes go to the start of a chunk. */
  boolean atChunkStart() {
    return used == 0;
  }

  /** The bytes decrypted into {@code target} since it was handed out, or null if none. */
  ByteString take(ByteBuffer target) {
    int produced = target.position() - used;
    if (produced == 0) {
      return null;
    }
    ByteString bytes = ByteString.fromArrayUnsafe(chunk, used, produced);
    used += produced;
    return bytes;
  }
}
