package io.ferry.bench.ipld;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the deterministic content Ferry's tests use (xorshift32 from seed 2463534242, four
 * little-endian bytes per state), so benchmark inputs are reproducible and incompressible.
 */
final class GeneratedFile {
  private GeneratedFile() {}

  static void write(Path file, long size) throws IOException {
    int x = (int) 2463534242L;
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      long left = size;
      while (left > 0) {
        int n = (int) Math.min(buf.length, left);
        for (int i = 0; i < n; i += 4) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          for (int k = 0; k < 4 && i + k < n; k++) {
            buf[i + k] = (byte) (x >>> (8 * k));
          }
        }
        out.write(buf, 0, n);
        left -= n;
      }
    }
  }
}
