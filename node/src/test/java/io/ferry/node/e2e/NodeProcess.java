package io.ferry.node.e2e;

import io.ferry.channels.testing.Poll;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Ferry node in its own JVM: {@code ferry node run} on a home directory, listening for peers on
 * a fixed loopback port (so that it can be restarted at the same address) and serving its API on a
 * free port, which it writes to {@code <home>/api.addr}.
 */
final class NodeProcess implements AutoCloseable {
  private final Path home;
  private final Path config;
  private final int peerPort;
  private Process process;

  NodeProcess(Path home, Path config) throws IOException {
    this.home = home;
    this.config = config;
    try (ServerSocket s = new ServerSocket(0)) {
      this.peerPort = s.getLocalPort();
    }
  }

  /** Starts the node and waits until its API answers on the address it wrote. */
  NodeProcess start() throws IOException {
    Files.createDirectories(home);
    Files.deleteIfExists(home.resolve("api.addr"));
    process =
        new ProcessBuilder(
                FerryProcess.command(
                    List.of("-Xmx384m", "-XX:+UseSerialGC"),
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
                        "127.0.0.1:0")))
            .redirectOutput(home.resolve("node.out").toFile())
            .redirectError(home.resolve("node.err").toFile())
            .start();
    Poll.until(
        Duration.ofSeconds(90),
        "node at " + home + " to write api.addr (log: " + home.resolve("node.err") + ")",
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError("node at " + home + " exited: " + log());
          }
          return Files.exists(home.resolve("api.addr"));
        });
    return this;
  }

  /** Stops the node with SIGTERM (a clean shutdown) and waits for it to exit. */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  Path home() {
    return home;
  }

  /** The multiaddr peers dial, from {@code ferry id}'s view: /ip4/127.0.0.1/tcp/PORT/p2p/ID. */
  String peerAddress() throws IOException, InterruptedException {
    FerryProcess.Result r =
        FerryProcess.ferry(
            "id",
            "--home",
            home.toString(),
            "--listen",
            "/ip4/127.0.0.1/tcp/" + peerPort,
            "--json");
    if (r.exit() != 0) {
      throw new AssertionError("ferry id failed: " + r.err());
    }
    String json = r.out();
    int i = json.indexOf("/ip4/127.0.0.1/tcp/" + peerPort + "/p2p/");
    return json.substring(i, json.indexOf('"', i));
  }

  /** The API's base URL. */
  String api() throws IOException {
    return "http://" + Files.readString(home.resolve("api.addr")).strip();
  }

  /** The API token. */
  String token() throws IOException {
    return Files.readString(home.resolve("api.token")).strip();
  }

  String log() {
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
