package io.ferry.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.ApiClient;
import io.ferry.cli.demo.FerryJvm;
import io.ferry.server.config.ApiAddress;
import io.ferry.server.http.ApiToken;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One {@code ferry node run} in its own JVM, started as {@code bin/ferry} starts it: {@code
 * FerryCli} on the main class path only (this build's {@code target/classes} and dependencies; no
 * test classes, test jars or test logging configuration), on its own home directory, with a peer
 * listen address on a fixed loopback port (so it comes back at the same address) and its API on a
 * free port written to {@code <home>/api.addr}. Output goes to {@code <home>/node.out} and {@code
 * <home>/node.err} (appended across restarts). Stopped with SIGTERM ({@link #terminate}) or SIGKILL
 * ({@link #kill}).
 */
final class MemberJvm implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

  private final String name;
  private final Path home;
  private final Path config;
  private final int peerPort;
  private volatile Process process;

  MemberJvm(String name, Path home, Path config, int peerPort) {
    this.name = name;
    this.home = home;
    this.config = config;
    this.peerPort = peerPort;
  }

  /** The class path of a node: this process's, without test classes and test jars. */
  static String mainClassPath() {
    return Arrays.stream(FerryJvm.classPath().split(File.pathSeparator))
        .filter(e -> !e.endsWith("test-classes") && !e.endsWith("-tests.jar"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** Starts the process; {@link #awaitApi} waits until it serves. */
  MemberJvm start() throws IOException {
    if (isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    Files.createDirectories(home);
    Files.deleteIfExists(home.resolve("api.addr"));
    List<String> cmd = new ArrayList<>();
    cmd.add(FerryJvm.java());
    cmd.addAll(List.of("-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    cmd.add("-cp");
    cmd.add(mainClassPath());
    cmd.add(io.ferry.cli.FerryCli.class.getName());
    cmd.addAll(
        List.of(
            "node",
            "run",
            "--home",
            home.toString(),
            "--config",
            config.toString(),
            "--listen",
            "/ip4/127.0.0.1/tcp/" + peerPort,
            "--api",
            "127.0.0.1:0"));
    process =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("node.out").toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("node.err").toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    return this;
  }

  /** Waits until the node wrote its API address (it then serves). */
  MemberJvm awaitApi() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!Files.exists(home.resolve("api.addr"))) {
      if (!isAlive()) {
        throw new IllegalStateException(
            name + " exited before serving (code " + process.exitValue() + "): " + logTail(30));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " did not serve in time: " + logTail(30));
      }
      try {
        process.waitFor(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    return this;
  }

  /** SIGTERM, then waits for the process to end; returns its exit code. */
  int terminate() throws InterruptedException {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return p == null ? -1 : p.exitValue();
    }
    p.destroy();
    if (!p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(name + " did not end within " + STOP_TIMEOUT + " of SIGTERM");
    }
    return p.exitValue();
  }

  /** SIGKILL (kill -9), then waits for the process to be gone. */
  void kill() throws InterruptedException {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * SIGSTOP: the process keeps its sockets open but does nothing (it neither answers nor dials)
   * until {@link #thaw}ed or {@link #kill}ed.
   */
  void freeze() throws IOException, InterruptedException {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException(name + " is not running");
    }
    int exit = new ProcessBuilder("kill", "-STOP", Long.toString(p.pid())).start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("kill -STOP " + p.pid() + " exited with " + exit);
    }
  }

  /** SIGCONT: a frozen process carries on where it stopped. */
  void thaw() throws IOException, InterruptedException {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException(name + " is not running");
    }
    int exit = new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("kill -CONT " + p.pid() + " exited with " + exit);
    }
  }

  boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** A client of the node's API. */
  ApiClient api() {
    try {
      ApiAddress address = ApiAddress.parse(Files.readString(home.resolve("api.addr")).strip());
      ApiToken token =
          ApiToken.read(home.resolve("api.token"))
              .orElseThrow(() -> new IOException("no API token in " + home));
      return new ApiClient(address, token);
    } catch (IOException e) {
      throw new IllegalStateException(name + " has no API address yet: " + e, e);
    }
  }

  /**
   * Runs {@code ferry args... --home <this member's home>} as a command (a JVM of its own on the
   * main class path) and returns what it printed; fails unless it exits 0.
   */
  String ferry(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(FerryJvm.java());
    cmd.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp"));
    cmd.add(mainClassPath());
    cmd.add(io.ferry.cli.FerryCli.class.getName());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--home", home.toString()));
    Path out = Files.createTempFile("ferry-cmd", ".out");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(out.toFile())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("ferry " + String.join(" ", args) + " did not end");
      }
      String printed = Files.readString(out);
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "ferry " + String.join(" ", args) + " exited " + p.exitValue() + ": " + printed);
      }
      return printed;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** {@code GET path}'s JSON body whatever the status (e.g. {@code /readyz}'s 503). */
  JsonNode getAnyStatus(String path) {
    try {
      return ApiClient.json().readTree(getText(path));
    } catch (IOException e) {
      throw new IllegalStateException(name + ": GET " + path + " is not JSON: " + e, e);
    }
  }

  /** The value of the unlabelled metric {@code name} in {@code GET /metrics} (0 when absent). */
  double metric(String name) {
    for (String line : getText("/metrics").split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).strip());
      }
    }
    return 0;
  }

  /** {@code GET path}'s body as text, whatever the status. */
  String getText(String path) {
    return get(path).body();
  }

  /** {@code GET path}'s status code. */
  int statusOf(String path) {
    return get(path).statusCode();
  }

  private java.net.http.HttpResponse<String> get(String path) {
    try {
      String address = Files.readString(home.resolve("api.addr")).strip();
      String token = Files.readString(home.resolve("api.token")).strip();
      java.net.http.HttpResponse<String> r =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://" + address + path))
                      .header("Authorization", "Bearer " + token)
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      return r;
    } catch (IOException e) {
      throw new IllegalStateException(name + ": GET " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** {@code GET /v1/cluster}. */
  JsonNode cluster() {
    return api().get("/v1/cluster");
  }

  /** The peer address, {@code /ip4/127.0.0.1/tcp/PORT/p2p/ID}. */
  String peerAddress() {
    return api().get("/v1/id").path("addresses").get(0).asText();
  }

  String name() {
    return name;
  }

  Path home() {
    return home;
  }

  int peerPort() {
    return peerPort;
  }

  /** Everything the node logged (stderr), across restarts. */
  String log() {
    try {
      return Files.readString(home.resolve("node.err"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  String logTail(int n) {
    List<String> lines = log().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  @Override
  public void close() throws InterruptedException {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroy();
      if (!p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
