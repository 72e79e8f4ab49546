package io.ferry.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.ApiClient;
import io.ferry.server.config.ApiAddress;
import io.ferry.server.http.ApiToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code ferry node run} in a child JVM, on its own home directory: listening for peers at a
 * given multiaddr and serving its HTTP API on a free loopback port, which it writes to {@code
 * <home>/api.addr} with its token in {@code <home>/api.token}. Its output goes to {@code
 * <home>/node.out} and {@code <home>/node.err}.
 */
public final class ChildNode implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final String name;
  private final Path home;
  private final Path config;
  private final String listen;
  private final List<String> jvmArgs;
  private volatile Process process;

  /**
   * @param name what to call the node in messages
   * @param home its data directory (created if missing)
   * @param config a HOCON file for {@code --config}
   * @param listen the peer listen multiaddr, e.g. {@code /ip4/127.0.0.1/tcp/0} for a free port
   * @param jvmArgs options for the child JVM, e.g. {@code -Xmx512m}
   */
  public ChildNode(String name, Path home, Path config, String listen, List<String> jvmArgs) {
    this.name = name;
    this.home = home;
    this.config = config;
    this.listen = listen;
    this.jvmArgs = List.copyOf(jvmArgs);
  }

  /** Starts the child process; {@link #awaitApi} waits until it serves. */
  public ChildNode start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
    }
    Files.createDirectories(home);
    Files.deleteIfExists(home.resolve("api.addr"));
    List<String> args =
        List.of(
            "node",
            "run",
            "--home",
            home.toString(),
            "--config",
            config.toString(),
            "--listen",
            listen,
            "--api",
            "127.0.0.1:0");
    process =
        new ProcessBuilder(FerryJvm.command(jvmArgs, args))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("node.out").toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("node.err").toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    return this;
  }

  /**
   * Waits until the node wrote its API address, polling every 100 ms.
   *
   * @throws IllegalStateException when the process exits first or {@code timeout} passes, with the
   *     end of its log
   */
  public void awaitApi(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(home.resolve("api.addr"))) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with code " + process.exitValue() + " before serving: " + logTail(20));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name + " did not serve its API within " + timeout.toSeconds() + " s: " + logTail(20));
      }
      Thread.sleep(100);
    }
  }

  /** A client of the node's HTTP API (after {@link #awaitApi}). */
  public ApiClient api() throws IOException {
    ApiAddress address = ApiAddress.parse(Files.readString(home.resolve("api.addr")).strip());
    ApiToken token =
        ApiToken.read(home.resolve("api.token"))
            .orElseThrow(() -> new IOException("no API token in " + home));
    return new ApiClient(address, token);
  }

  /**
   * {@code GET path} on the node's API with its token, as text (for {@code /metrics}, {@code
   * /readyz} and other answers that are not JSON or not 2xx).
   */
  public java.net.http.HttpResponse<String> getText(String path) throws IOException {
    try {
      return java.net.http.HttpClient.newHttpClient()
          .send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(apiUrl() + path))
                  .header("Authorization", "Bearer " + token())
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + name + " for " + path, e);
    }
  }

  /** The API's base URL, e.g. {@code http://127.0.0.1:41234}. */
  public String apiUrl() throws IOException {
    return "http://" + Files.readString(home.resolve("api.addr")).strip();
  }

  /** The bearer token of the API. */
  public String token() throws IOException {
    return Files.readString(home.resolve("api.token")).strip();
  }

  /** Where peers dial the node, {@code /ip4/127.0.0.1/tcp/PORT/p2p/ID}, as its API says. */
  public String peerAddress() throws IOException {
    JsonNode addresses = api().get("/v1/id").path("addresses");
    if (addresses.isEmpty()) {
      throw new IllegalStateException(name + " is not listening for peers");
    }
    return addresses.get(0).asText();
  }

  public String name() {
    return name;
  }

  public Path home() {
    return home;
  }

  /** The child's process ID, or -1 before it started. */
  public long pid() {
    Process p = process;
    return p == null ? -1 : p.pid();
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /**
   * Stops the node with SIGTERM (a clean shutdown: channels stay on disk) and waits for it to exit;
   * kills it when it does not within a minute.
   */
  public void stop() throws InterruptedException {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    if (!p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Kills the node with SIGKILL (no shutdown at all, as a crash) and waits for it to be gone. */
  public void kill() throws InterruptedException {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Stops the given nodes (nulls are skipped) together: SIGTERM to all, then waits for each. */
  public static void stopAll(ChildNode... nodes) throws InterruptedException {
    for (ChildNode n : nodes) {
      if (n != null && n.isAlive()) {
        n.process.destroy();
      }
    }
    for (ChildNode n : nodes) {
      if (n != null) {
        n.stop();
      }
    }
  }

  /** The last {@code n} lines the node wrote to stderr (its log). */
  public String logTail(int n) {
    try {
      List<String> lines = Files.readAllLines(home.resolve("node.err"));
      List<String> tail =
          new ArrayList<>(lines.subList(Math.max(0, lines.size() - n), lines.size()));
      return tail.isEmpty() ? "(its log is empty)" : String.join(System.lineSeparator(), tail);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Everything the node wrote to stderr. */
  public String log() {
    try {
      return Files.readString(home.resolve("node.err"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
