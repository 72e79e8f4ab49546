package io.ferry.bench.transport;

import java.io.InputStream;

/**
 * Deterministic incompressible test bytes (xorshift32 from a seed, four little-endian bytes per
 * state), as a stream or as 1 MiB blocks, so the transport and the baselines move the same bytes.
 */
final class Content extends InputStream {
  static final int BLOCK = 1 << 20;

  private int x;
  private long left;
  private int word;
  private int wordBytes;

  Content(long size, int seed) {
    this.x = seed == 0 ? 0x9e3779b9 : seed;
    this.left = size;
  }

  @Override
  public int read() {
    byte[] b = new byte[1];
    return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (left == 0) {
      return -1;
    }
    int n = (int) Math.min(len, left);
    for (int i = 0; i < n; i++) {
      if (wordBytes == 0) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        word = x;
        wordBytes = 4;
      }
      b[off + i] = (byte) word;
      word >>>= 8;
      wordBytes--;
    }
    left -= n;
    return n;
  }

  /**
   * The content of {@code size} bytes from {@code seed} as 1 MiB blocks (the last may be short).
   */
  static byte[][] blocks(long size, int seed) {
    Content c = new Content(size, seed);
    int count = (int) ((size + BLOCK - 1) / BLOCK);
    byte[][] out = new byte[count][];
    for (int i = 0; i < count; i++) {
      out[i] = new byte[(int) Math.min(BLOCK, size - (long) i * BLOCK)];
      c.read(out[i], 0, out[i].length);
    }
    return out;
  }
}
