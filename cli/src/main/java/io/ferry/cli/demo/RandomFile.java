package io.ferry.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** The demo's file: random bytes written with their SHA-256, and the SHA-256 of a copy. */
final class RandomFile {
  private static final int CHUNK = 1 << 20;

  private RandomFile() {}

  /** Writes {@code size} random bytes to {@code file}; returns their SHA-256 in hex. */
  static String write(Path file, long size) throws IOException {
    MessageDigest sha = sha256();
    SplittableRandom random = new SplittableRandom();
    byte[] chunk = new byte[(int) Math.min(size, CHUNK)];
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
      for (long left = size; left > 0; left -= chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(left, chunk.length));
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The SHA-256 of {@code file} in hex. */
  static String sha256(Path file) throws IOException {
    MessageDigest sha = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[CHUNK];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
