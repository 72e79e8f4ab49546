package io.ferry.cli.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code bin/ferry} as a user runs it: built in the reactor without installing into {@code ~/.m2},
 * with main code only on its class path, and a node whose log goes to standard error in the format
 * docs/operations.md shows, at the level {@code FERRY_LOG_LEVEL} sets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ResourceLock("bin-ferry")
class LauncherTest {
  /** docs/operations.md: {@code 2026-12-06T10:15:30.123Z INFO logger - message}. */
  private static final Pattern LOG_LINE =
      Pattern.compile(
          "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)"
              + " (TRACE|DEBUG|INFO |WARN |ERROR) \\S+ - .*");

  @TempDir Path dir;

  @BeforeAll
  void build() throws Exception {
    Launcher.ensureBuilt();
  }

  @Test
  void theLauncherBuildsWithoutInstallingAndPutsNoTestCodeOnTheClassPath() throws Exception {
    String script = Files.readString(Launcher.script());
    List<String> classPath =
        Arrays.asList(
            Files.readString(Launcher.ROOT.resolve(".ferry-build/classpath")).strip().split(":"));

    assertThat(script).doesNotContainPattern("mvn[^\\n]*\\binstall\\b");
    assertThat(classPath)
        .isNotEmpty()
        .noneMatch(e -> e.contains("test-classes"))
        .noneMatch(e -> e.endsWith("-tests.jar"))
        .noneMatch(e -> e.contains("testkit"))
        .noneMatch(e -> e.contains("junit"))
        .noneMatch(e -> e.contains("/.m2/repository/io/ferry/"));
    assertThat(classPath)
        .filteredOn(e -> e.contains("ferry-") || e.endsWith("/classes"))
        .isNotEmpty()
        .allMatch(e -> e.startsWith(Launcher.ROOT.toString()));
  }

  @Test
  void aNodeLogsOnStandardErrorAsDocumentedAndStopsWithoutPekkoWarnings() throws Exception {
    Path home = dir.resolve("a");
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Run run = startNode(home, Map.of("FERRY_JAVA_OPTS", "-Xmx256m -Djava.io.tmpdir=" + tmp));
    String[] tmpWhileRunning = tmp.toFile().list();
    run.stop();

    assertThat(run.err())
        .as("the node's standard error")
        .containsPattern("INFO  io\\.ferry\\.server\\.http\\.ApiServer - HTTP API listening on")
        .doesNotContain("Could not addJvmShutdownHook");
    assertThat(run.err().lines().filter(l -> !l.isBlank()))
        .allMatch(l -> LOG_LINE.matcher(l).matches());
    assertThat(run.out()).as("standard output").startsWith("ferry node ").doesNotContain(" INFO ");
    assertThat(tmpWhileRunning).noneMatch(n -> n.contains("leveldbjni"));
    assertThat(home.resolve("native/libleveldbjni.so")).isRegularFile();
  }

  @Test
  void ferryLogLevelDecidesWhatANodeLogs() throws Exception {
    Run run = startNode(dir.resolve("quiet"), Map.of("FERRY_LOG_LEVEL", "WARN"));
    run.stop();

    assertThat(run.err()).doesNotContain(" INFO ").doesNotContain("HTTP API listening");
  }

  @Test
  void aNodeStartedWithTheLaunchersJvmOptionsTakesOneMebibyteBlocksAsOrdinaryObjects()
      throws Exception {
    // An empty FERRY_JAVA_OPTS leaves bin/ferry's own options; G1's default regions for that
    // heap (1 MiB) would make every block humongous and the node say so.
    Run defaults = startNode(dir.resolve("defaults"), Map.of("FERRY_JAVA_OPTS", ""));
    defaults.stop();
    Run small =
        startNode(
            dir.resolve("small-regions"),
            Map.of("FERRY_JAVA_OPTS", "-Xmx256m -XX:+UseG1GC -XX:G1HeapRegionSize=1m"));
    small.stop();

    assertThat(defaults.err()).contains("HTTP API listening").doesNotContain("humongous");
    assertThat(small.err())
        .containsPattern("WARN  io\\.ferry\\.server\\.RunningNode - .*humongous")
        .contains("-XX:G1HeapRegionSize=8m");
  }

  /** A node started through bin/ferry, with its output in files. */
  private record Run(Process process, Path outFile, Path errFile) {
    void stop() throws Exception {
      process.destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the node stopped").isTrue();
    }

    String out() throws Exception {
      return Files.readString(outFile);
    }

    String err() throws Exception {
      return Files.readString(errFile);
    }
  }

  private Run startNode(Path home, Map<String, String> env) throws Exception {
    Path out = dir.resolve(home.getFileName() + ".out");
    Path err = dir.resolve(home.getFileName() + ".err");
    Process p =
        Launcher.builder(
                env,
                List.of(
                    "node",
                    "run",
                    "--home",
                    home.toString(),
                    "--listen",
                    "/ip4/127.0.0.1/tcp/0",
                    "--api",
                    "127.0.0.1:0"))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    // Started once it wrote its API address and printed what a user reads: stopped between the
    // two, its standard output was empty (CI, two test classes at once).
    while (!Files.exists(home.resolve("api.addr")) || !Files.readString(out).contains("  api:")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new AssertionError("the node did not start: " + Files.readString(err));
      }
      p.waitFor(100, TimeUnit.MILLISECONDS);
    }
    return new Run(p, out, err);
  }
}
