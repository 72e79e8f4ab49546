package io.ferry.cli.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code bin/ferry} of this checkout (which builds into {@code .ferry-build/} on
 * first use or when sources changed) as a user's shell would.
 */
final class Launcher {
  /** What one run printed and returned. */
  record Result(int exit, String out, String err) {}

  /** The checkout's root: the parent of the node module, where surefire runs. */
  static final Path ROOT = findRoot();

  private Launcher() {}

  private static Path findRoot() {
    Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("bin/ferry"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no bin/ferry above " + System.getProperty("user.dir"));
    }
    return p;
  }

  static Path script() {
    return ROOT.resolve("bin/ferry");
  }

  /** A process builder for {@code bin/ferry args...} with {@code env} added. */
  static ProcessBuilder builder(Map<String, String> env, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(script().toString());
    cmd.addAll(args);
    ProcessBuilder b = new ProcessBuilder(cmd).directory(ROOT.toFile());
    b.environment().remove("FERRY_LOG_LEVEL");
    b.environment().remove("FERRY_HOME");
    b.environment().remove("FERRY_API");
    b.environment().putIfAbsent("FERRY_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC");
    b.environment().putAll(env);
    b.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return b;
  }

  /** Runs {@code bin/ferry args...} to its end, within {@code timeout}. */
  static Result run(Map<String, String> env, Duration timeout, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("ferry-out", ".txt");
    Path err = Files.createTempFile("ferry-err", ".txt");
    try {
      Process p =
          builder(env, List.of(args))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("bin/ferry " + String.join(" ", args) + " did not end in time");
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

  /** Builds what {@code bin/ferry} runs, if it is not built yet (minutes on a busy machine). */
  static void ensureBuilt() throws IOException, InterruptedException {
    Result r = run(Map.of(), Duration.ofMinutes(25), "--version");
    if (r.exit() != 0) {
      throw new AssertionError("bin/ferry --version failed: " + r.err());
    }
  }
}
