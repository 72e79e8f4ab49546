package io.ferry.transport.tcp.tls;

import java.nio.ByteBuffer;

/**
 * How a {@link TlsStage} lays the decrypted stream out in memory. The stream is a sequence of units
 * (the transport's frames), each a head followed by a body; a body of at least {@link
 * TlsStage#OWN_ARRAY} bytes is decrypted straight into an array of exactly its size, so that the
 * bytes after it (a block's hash check, its store) use that array without another copy. Everything
 * else is copied out of the stage's decryption buffer.
 */
public interface PlaintextLayout {
  /** The head and body lengths of a unit. */
  record Unit(int head, int body) {
    public Unit {
      if (head < 0 || body < 0) {
        throw new IllegalArgumentException("negative unit part: head " + head + ", body " + body);
      }
    }
  }

  /** The answer for bytes this layout does not recognise: the rest of the stream passes as is. */
  Unit UNKNOWN = new Unit(0, 0);

  /**
   * The unit starting at {@code start}'s position (its bytes up to the limit are all that has been
   * decrypted so far; the buffer may be read and moved freely); null when more bytes are needed to
   * tell, {@link #UNKNOWN} when the bytes are not a unit this layout knows (then they are handed on
   * unchanged from here to the end of the stream, for the next stage to judge).
   */
  Unit next(ByteBuffer start);
}
