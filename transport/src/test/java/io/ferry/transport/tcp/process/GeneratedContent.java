package io.ferry.transport.tcp.process;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * Pseudo-random bytes of a given size and seed, produced as a stream (a 256 MiB file never sits in
 * memory), with the SHA-256 of what was read so far.
 */
final class GeneratedContent extends InputStream {
  private final SplittableRandom random;
  private final MessageDigest sha256;
  private long remaining;
  private long word;
  private int wordBytes;

  GeneratedContent(long size, long seed) {
    this.random = new SplittableRandom(seed);
    this.remaining = size;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (remaining == 0) {
      return -1;
    }
    int n = (int) Math.min(len, remaining);
    for (int i = 0; i < n; i++) {
      if (wordBytes == 0) {
        word = random.nextLong();
        wordBytes = 8;
      }
      b[off + i] = (byte) word;
      word >>>= 8;
      wordBytes--;
    }
    sha256.update(b, off, n);
    remaining -= n;
    return n;
  }

  /** The SHA-256 of the bytes read so far, in hex. */
  String sha256Hex() {
    return java.util.HexFormat.of().formatHex(sha256.digest());
  }
}
