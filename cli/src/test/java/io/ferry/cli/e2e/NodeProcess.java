package io.ferry.cli.e2e;

import io.ferry.cli.demo.ChildNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One Ferry node in its own JVM ({@link ChildNode}, as {@code ferry demo} starts them): {@code
 * ferry node run} on a home directory, listening for peers on a fixed loopback port (so that it can
 * be restarted at the same address) and serving its API on a free port, which it writes to {@code
 * <home>/api.addr}.
 */
final class NodeProcess implements AutoCloseable {
  private final int peerPort;
  private final ChildNode child;

  NodeProcess(Path home, Path config) throws IOException {
    this(home, config, List.of("-Xmx384m", "-XX:+UseSerialGC"));
  }

  /** A node whose JVM gets {@code jvmArgs} (heap, GC). */
  NodeProcess(Path home, Path config, List<String> jvmArgs) throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      this.peerPort = s.getLocalPort();
    }
    this.child =
        new ChildNode(
            "node " + home.getFileName(), home, config, "/ip4/127.0.0.1/tcp/" + peerPort, jvmArgs);
  }

  /** Starts the node and waits until its API answers on the address it wrote. */
  NodeProcess start() throws IOException, InterruptedException {
    child.start().awaitApi(Duration.ofMinutes(4));
    return this;
  }

  /** Stops the node with SIGTERM (a clean shutdown) and waits for it to exit. */
  void stop() throws InterruptedException {
    child.stop();
  }

  /** Kills the node with SIGKILL (no shutdown of any kind) and waits for it to be gone. */
  void kill() throws InterruptedException {
    child.kill();
  }

  Path home() {
    return child.home();
  }

  /** The loopback port it listens for peers on. */
  int peerPort() {
    return peerPort;
  }

  /** The multiaddr peers dial, from {@code ferry id}'s view: /ip4/127.0.0.1/tcp/PORT/p2p/ID. */
  String peerAddress() throws IOException, InterruptedException {
    FerryProcess.Result r = FerryProcess.ferry("id", "--home", home().toString(), "--json");
    if (r.exit() != 0) {
      throw new AssertionError("ferry id failed: " + r.err());
    }
    String json = r.out();
    int i = json.indexOf("/ip4/127.0.0.1/tcp/" + peerPort + "/p2p/");
    return json.substring(i, json.indexOf('"', i));
  }

  /** The API's base URL. */
  String api() throws IOException {
    return child.apiUrl();
  }

  /** A client of its API. */
  io.ferry.cli.ApiClient client() throws IOException {
    return child.api();
  }

  /** The API token. */
  String token() throws IOException {
    return child.token();
  }

  String log() {
    return child.log();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
