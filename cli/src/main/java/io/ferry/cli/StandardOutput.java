package io.ferry.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writing a command's content (a file's bytes, a CAR stream) to standard output, the {@code -} of
 * {@code ferry export CID -}, {@code ferry car export CID -} and {@code ferry cat}. While a node
 * runs on the home, its block store is the node's: the node exports into a private temporary
 * directory on this machine and the bytes are copied from there, then the directory is removed.
 */
final class StandardOutput {
  private StandardOutput() {}

  /** Whether {@code out} names standard output. */
  static boolean isDash(Path out) {
    return out != null && out.toString().equals("-");
  }

  /** The process's standard output as a byte stream (never closed). */
  static OutputStream stream() {
    PrintStream out = System.out;
    return new OutputStream() {
      @Override
      public void write(int b) {
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        out.write(b, off, len);
      }

      @Override
      public void flush() {
        out.flush();
      }
    };
  }

  /**
   * Asks the node behind {@code api} to export {@code root} (a CID, or CID/path) as {@code format}
   * ({@code file} or {@code car}) and copies the result to standard output; returns the bytes
   * copied.
   */
  static long viaNode(ApiClient api, String root, String format) throws IOException {
    Path dir = Files.createTempDirectory("ferry-stdout-");
    try {
      Path out = dir.resolve("out");
      api.post(
          "/v1/export", Map.of("root", root, "path", LocalBlocks.absolute(out), "format", format));
      if (Files.isDirectory(out)) {
        throw new IOException(
            root + " is a directory: standard output takes one file (use ferry car export CID -)");
      }
      OutputStream stdout = stream();
      long n = Files.copy(out, stdout);
      stdout.flush();
      return n;
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
