package io.ferry.cli.e2e;

import io.ferry.cli.demo.FerryJvm;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code ferry} command in a separate JVM, as {@code bin/ferry} does (same main class,
 * this build's class path: {@link FerryJvm}), and returns what it printed and its exit code.
 */
final class FerryProcess {
  /** What one run printed and returned. */
  record Result(int exit, String out, String err) {
    String lastLine() {
      List<String> lines = out.strip().lines().toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
  }

  private FerryProcess() {}

  /** {@code java [jvmArgs] -cp <this build> io.ferry.cli.FerryCli [args]}. */
  static List<String> command(List<String> jvmArgs, List<String> args) {
    return FerryJvm.command(jvmArgs, args);
  }

  /** Runs {@code ferry args...} to its end (at most two minutes). */
  static Result ferry(String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("ferry-out", ".txt");
    Path err = Files.createTempFile("ferry-err", ".txt");
    try {
      Process p =
          new ProcessBuilder(
                  command(
                      List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                      List.of(args)))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("ferry " + String.join(" ", args) + " did not end in 2 minutes");
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
