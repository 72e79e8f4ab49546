package io.ferry.cli.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The README's walkthrough, run as written: every command of its marked {@code console} blocks goes
 * to {@code bash} in a fresh working directory, {@code bin/ferry} being this checkout's launcher,
 * and what it prints on standard output must be what the README shows ({@link Transcript} says what
 * may differ). A {@code node run} keeps running in the background, as in its own terminal (started
 * again on the same home, the running one is stopped first, as Ctrl-C would); so does {@code events
 * --follow} until it has printed what the README shows. The README's fixed ports and {@code /tmp/}
 * paths become free ports and a temporary directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ResourceLock("bin-ferry")
class ReadmeWalkthroughTest {
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Pattern PORT =
      Pattern.compile("(?<=tcp/|127\\.0\\.0\\.1:)(777[01]|778[01])\\b");
  private static final Pattern HOME = Pattern.compile("--home (\\S+)");

  @TempDir Path dir;
  private final Map<String, Process> nodes = new LinkedHashMap<>();
  private final Map<String, Integer> ports = new HashMap<>();
  private final Transcript transcript = new Transcript();
  private Path work;
  private Path tmp;

  @BeforeAll
  void build() throws Exception {
    Launcher.ensureBuilt();
  }

  @AfterEach
  void stopTheNodes() throws InterruptedException {
    for (Process p : nodes.values()) {
      stop(p);
    }
    nodes.clear();
  }

  @Test
  void theReadmeWalkthroughPrintsWhatTheReadmeShows() throws Exception {
    work = Files.createDirectories(dir.resolve("checkout"));
    tmp = Files.createDirectories(dir.resolve("tmp"));
    List<Transcript.Step> steps =
        Transcript.steps(Files.readString(Launcher.ROOT.resolve("README.md")));
    assertThat(steps).as("the walkthrough's commands").hasSizeGreaterThan(10);

    for (Transcript.Step step : steps) {
      String command = localize(transcript.substitute(step.command()));
      List<String> expected = step.output().stream().map(this::localize).toList();
      if (step.command().contains(" node run ")) {
        startNode(step.command(), command, expected);
      } else if (step.command().contains("--follow")) {
        follow(step.command(), command, expected);
      } else {
        run(step.command(), command, expected);
      }
    }
  }

  /** The README's ports and {@code /tmp/} paths as this run has them. */
  private String localize(String text) {
    Matcher m = PORT.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, "" + ports.computeIfAbsent(m.group(), p -> freePort()));
    }
    m.appendTail(out);
    return out.toString().replace("/tmp/", tmp + "/");
  }

  private void run(String shown, String command, List<String> expected) throws Exception {
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = shell(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("did not end within " + COMMAND_TIMEOUT + ": " + shown);
    }
    String stderr = read(err);
    assertThat(p.exitValue()).as("exit code of %s; stderr:%n%s", shown, stderr).isZero();
    assertPrints(shown, read(out), stderr, expected, false);
  }

  private void startNode(String shown, String command, List<String> expected) throws Exception {
    Matcher home = HOME.matcher(command);
    assertThat(home.find()).as("--home in %s", shown).isTrue();
    Process running = nodes.remove(home.group(1));
    if (running != null) {
      stop(running);
    }
    String name = Path.of(home.group(1)).getFileName().toString();
    Path out = dir.resolve(name + "-" + System.nanoTime() + ".out");
    Path err = dir.resolve(name + "-" + System.nanoTime() + ".err");
    Process p =
        shell("exec " + command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    nodes.put(home.group(1), p);
    awaitLines(p, out, expected.size(), shown, err);
    assertPrints(shown, read(out), read(err), expected, true);
  }

  private void follow(String shown, String command, List<String> expected) throws Exception {
    Path out = dir.resolve("follow.out");
    Path err = dir.resolve("follow.err");
    Process p =
        shell("exec " + command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      long lines = expected.stream().filter(l -> !l.equals("…")).count();
      awaitLines(p, out, (int) lines, shown, err);
      assertPrints(shown, read(out), read(err), expected, true);
    } finally {
      stop(p);
    }
  }

  private void assertPrints(
      String shown, String stdout, String stderr, List<String> expected, boolean prefixOnly) {
    Optional<String> difference = transcript.match(expected, stdout.lines().toList(), prefixOnly);
    assertThat(difference)
        .as(
            "what `%s` printed:%n%s%nstandard error:%n%s%n(the README shows:%n%s)",
            shown, stdout, tail(stderr), String.join("\n", expected))
        .isEmpty();
  }

  /** Waits until {@code p} printed {@code lines} lines (a node: its banner, once it serves). */
  private static void awaitLines(Process p, Path out, int lines, String shown, Path err)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (read(out).lines().count() < lines) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError(
            "`"
                + shown
                + "` printed only:\n"
                + read(out)
                + "\nstandard error:\n"
                + tail(read(err)));
      }
      p.waitFor(200, TimeUnit.MILLISECONDS);
    }
  }

  private ProcessBuilder shell(String command) {
    String launcher = Launcher.script().toString();
    String line =
        command.replaceAll("(?<![\\w/.])bin/ferry\\b", Matcher.quoteReplacement(launcher));
    ProcessBuilder b = new ProcessBuilder("bash", "-c", line).directory(work.toFile());
    b.environment().remove("FERRY_LOG_LEVEL");
    b.environment().remove("FERRY_HOME");
    b.environment().remove("FERRY_API");
    b.environment().put("FERRY_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC");
    b.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return b;
  }

  /** Ctrl-C: SIGTERM to the process (a node runs its shutdown hook), SIGKILL if it hangs. */
  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  private static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A file a process may still be writing, decoded leniently (a character may be cut). */
  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }
}
